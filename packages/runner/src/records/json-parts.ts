/** Elements of the streamed array per part: ~330 KB of a run record's nodes. */
const PER_PART = 1000;

/**
 * `JSON.stringify(value) + "\n"`, in parts: the array at `value[key]` (a run record's
 * nodes) is written a thousand elements at a time, so that no part holds the whole text
 * (see core's writeFileAtomicParts). The parts joined are exactly that text: the array's
 * place among the keys, its elements' text (`null` for what JSON has no text for) and the
 * separators are JSON.stringify's own.
 */
export function* jsonParts(value: Record<string, unknown>, key: string): Generator<string> {
  const items = value[key];
  if (!Array.isArray(items) || items.length <= PER_PART) {
    yield `${JSON.stringify(value)}\n`;
    return;
  }
  // The array's place in the text: a string no value can hold by chance, written in its
  // place (the key keeps its position: assigning an existing key does not move it).
  const mark = `\u0000parts-${Math.random().toString(36).slice(2)}\u0000`;
  const text = JSON.stringify({ ...value, [key]: mark });
  const markText = JSON.stringify(mark);
  const at = text.indexOf(markText);
  if (at < 0 || text.indexOf(markText, at + 1) >= 0) {
    yield `${JSON.stringify(value)}\n`;
    return;
  }
  yield `${text.slice(0, at)}[`;
  for (let i = 0; i < items.length; i += PER_PART) {
    // The chunk as an array, without its brackets: JSON.stringify's own text for each.
    const chunk = JSON.stringify(items.slice(i, i + PER_PART));
    yield `${i > 0 ? "," : ""}${chunk.slice(1, -1)}`;
  }
  yield `]${text.slice(at + markText.length)}\n`;
}
