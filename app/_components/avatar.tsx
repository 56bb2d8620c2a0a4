// A round badge with initials: helps the eye find a person in a list. Decorative; the name is next to it.
export function Avatar({ name, group = false }: { name: string; group?: boolean }) {
  // A person: first and last word. A group ("Ann Lee, Bo Chan"): the first letter of its first two names.
  const words = group && name.includes(',') ? name.split(',') : name.split(/\s+/);
  const picked = words.map((word) => word.trim()).filter(Boolean);
  const initials = [picked[0], picked.length > 1 ? picked[picked.length - 1] : undefined]
    .map((word) => (word ? ([...word][0]?.toUpperCase() ?? '') : ''))
    .join('');
  return (
    <span className={group ? 'avatar group' : 'avatar'} aria-hidden="true">
      {initials || '?'}
    </span>
  );
}
