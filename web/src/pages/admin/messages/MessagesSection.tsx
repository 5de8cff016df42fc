/** PLACEHOLDER: replaced by the section's own pages before landing. */
export default function Section() {
  return <h1>Messages</h1>;
}
