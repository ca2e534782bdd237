/**
 * Serialises a flat object the way Python's `json.dumps` does with its defaults
 * (`", "` and `": "` separators, `ensure_ascii`), so a cache file Rolecall writes is
 * byte-identical to the one botocore would write for the same token.
 */
export const pythonJsonDumps = (value: Readonly<Record<string, string>>): string => {
  const asciiOnly = (json: string): string =>
    json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const members = Object.entries(value).map(([key, member]) => `${asciiOnly(JSON.stringify(key))}: ${asciiOnly(JSON.stringify(member))}`);
  return `{${members.join(', ')}}`;
};
