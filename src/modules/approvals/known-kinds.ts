/**
 * Imports every module that defines an approval kind, so the approval routes know each kind's
 * schema (to validate edits) in every process. A workflow that adds a kind adds its module here.
 */
import './payment-issue/task.js';
import '../progress-reports/task.js';
import '../schedule-review/approval.js';
