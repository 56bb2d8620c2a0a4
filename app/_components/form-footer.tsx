// The end of a create form: its error, what it is doing while busy, the submit button and Cancel.
import { ErrorAlert, StatusNotice } from './notice';

export function FormFooter({
  error,
  busy,
  busyText,
  submitLabel,
  onCancel,
}: {
  error: string | null;
  busy: boolean;
  /** Announced while busy, e.g. "Creating the community…". */
  busyText: string;
  submitLabel: string;
  onCancel: () => void;
}) {
  return (
    <>
      <ErrorAlert message={error} />
      <StatusNotice busy={busy}>{busy ? busyText : null}</StatusNotice>
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {submitLabel}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
