/**
 * Templates: every name renders (subject, HTML, text, SMS) in the school's name, data is
 * HTML-escaped in the HTML part only, bad or missing data fails loudly naming the field, and a
 * template that reads an undeclared variable is caught.
 */
import { describe, expect, it } from 'vitest';
import { parseTemplateData, renderTemplate, TemplateDataError, type SchoolContext } from '../../src/modules/notifications/render.js';
import { unknownVariables } from '../../src/modules/notifications/templates/helpers.js';
import { templateSources } from '../../src/modules/notifications/templates/index.js';
import { templateNames, type TemplateData, type TemplateName } from '../../src/modules/notifications/types.js';

const school: SchoolContext = { name: 'Birch & Maple <Music>', email: 'hello@birch.example', phone: '+19025550123', timezone: 'America/Halifax' };
const context = { school, recipientName: 'Jane' };

describe('notification templates', () => {
  it('has a source for exactly the names of the contract', () => {
    expect(Object.keys(templateSources).sort()).toEqual([...templateNames].sort());
    for (const required of [
      'parent_welcome',
      'teacher_new_student',
      'lesson_confirmation',
      'lesson_cancellation',
      'lesson_reminder',
      'payment_receipt',
      'payment_failed',
      'password_reset',
    ]) {
      expect(templateNames).toContain(required);
    }
  });

  it.each(templateNames)('%s renders subject, HTML, text and SMS in the school name', (name: TemplateName) => {
    const out = renderTemplate(name, templateSources[name].example as TemplateData, context);
    expect(out.subject.length).toBeGreaterThan(3);
    expect(out.subject).not.toMatch(/\{\{|undefined|null|\[object/);
    expect(out.html).toMatch(/^<!doctype html>/);
    expect(out.html).toContain('Birch &amp; Maple &lt;Music&gt;');
    expect(out.html).not.toContain('Birch & Maple <Music>');
    expect(out.text).toContain('Birch & Maple <Music>');
    expect(out.text).toContain('hello@birch.example');
    expect(out.sms).toContain('Birch & Maple <Music>');
    for (const part of [out.html, out.text, out.sms]) expect(part).not.toMatch(/\{\{|undefined|\[object|NaN/);
    expect(out.plain.length).toBeGreaterThan(10);
    expect(out.text.startsWith(out.plain)).toBe(true);
    expect(out.plain).not.toContain('\n-- \n');
    expect(out.text).toContain('\n-- \nBirch & Maple <Music>\n');
  });

  it('formats instants in the school zone and money from cents', () => {
    const out = renderTemplate('payment_failed', { amountCents: 123456, currency: 'CAD', description: 'Term', retryAt: '2030-01-15T16:30:00Z' }, context);
    expect(out.subject).toBe('Payment failed: $1,234.56 CAD to Birch & Maple <Music>');
    expect(out.text).toContain('We will try again on Tuesday, January 15, 2030 at 12:30 p.m. AST.');
    const summer = renderTemplate('lesson_reminder', { studentName: 'Emma', teacherName: 'Clara', startsAt: '2030-07-15T20:00:00Z', durationMinutes: 30 }, context);
    expect(summer.subject).toBe('Reminder: Emma has a lesson on Monday, July 15, 2030 at 5:00 p.m. ADT');
  });

  it('escapes data in the HTML part only, and keeps line breaks of messages', () => {
    const out = renderTemplate('direct_message', { senderName: 'Ann "A" <ann@x>', subject: 'Hi <there>', message: 'line 1\n<script>alert(1)</script>' }, context);
    expect(out.html).toContain('Ann &quot;A&quot; &lt;ann@x&gt; sent you a message');
    expect(out.html).toContain('line 1<br>\n&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out.html).not.toContain('<script>');
    expect(out.text).toContain('Ann "A" <ann@x> sent you a message');
    expect(out.text).toContain('line 1\n<script>alert(1)</script>');
    expect(out.subject).toBe('Hi <there>');
  });

  it('shows optional parts only when given', () => {
    const bare = renderTemplate('lesson_cancellation', { studentName: 'Emma', startsAt: '2030-05-07T20:00:00Z' }, context);
    expect(bare.text).not.toContain('Reason:');
    expect(bare.text).not.toContain('make-up');
    const full = renderTemplate('lesson_cancellation', { studentName: 'Emma', startsAt: '2030-05-07T20:00:00Z', reason: 'Snow day', makeupCredit: true }, context);
    expect(full.text).toContain('Reason: Snow day');
    expect(full.html).toContain('make-up lesson credit');
  });

  it('fails loudly on missing or malformed data, naming each field', () => {
    const attempt = () => renderTemplate('lesson_reminder', { studentName: 'Emma', startsAt: 'tomorrow' }, context);
    expect(attempt).toThrow(TemplateDataError);
    try {
      attempt();
    } catch (error) {
      expect((error as TemplateDataError).issues.map((i) => i.field).sort()).toEqual(['data.durationMinutes', 'data.startsAt', 'data.teacherName']);
    }
    expect(() => parseTemplateData('payment_receipt', { amountCents: 12.5, description: 'x' })).toThrow(/data\.amountCents/);
    expect(() => parseTemplateData('password_reset', { link: 'javascript:alert(1)', ttlMinutes: 60 })).toThrow(/data\.link/);
    expect(() => parseTemplateData('direct_message', { senderName: ' ', subject: 's', message: 'm' })).toThrow(/data\.senderName/);
  });

  it('catches templates that read undeclared variables, including in helpers and blocks', () => {
    const allowed = new Set(['school', 'recipientName', 'studentName']);
    expect(unknownVariables('{{studentName}} {{school.name}} {{#if studentName}}x{{/if}}', allowed)).toEqual([]);
    expect(unknownVariables('{{studentNmae}}', allowed)).toEqual(['studentNmae']);
    expect(unknownVariables('{{#if teacher}}{{/if}} {{datetime startsAt}} {{money cents currency}}', allowed).sort()).toEqual(['cents', 'currency', 'startsAt', 'teacher']);
  });
});
