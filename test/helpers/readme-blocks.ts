// The ```sh blocks of a Markdown file and their markers (the scheme: test/e2e/readme.test.ts).

export interface ShBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The nearest heading above it. */
  section: string;
  code: string;
  needs: string | undefined;
  exit: number;
  cwd: 'sandbox' | 'repo';
}

/** The ```sh blocks of a Markdown text with their markers. */
export function shBlocks(markdown: string): ShBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) section = heading[1]!;
    const fence = /^(\s*)(`{3,})(\w*)\s*$/.exec(line);
    if (!fence) continue;
    const [, indent, ticks, lang] = fence;
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== ticks) end++;
    if (lang === 'sh') {
      const markers: Record<string, string> = {};
      for (let j = i - 1; j >= 0; j--) {
        const marker = /^\s*<!--\s*(needs|exit|cwd):\s*(.*?)\s*-->\s*$/.exec(lines[j]!);
        if (!marker) break;
        markers[marker[1]!] = marker[2]!;
      }
      blocks.push({
        line: i + 1,
        section,
        code: lines
          .slice(i + 1, end)
          .map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l))
          .join('\n'),
        needs: markers.needs,
        exit: markers.exit === undefined ? 0 : Number(markers.exit),
        cwd: markers.cwd === 'repo' ? 'repo' : 'sandbox',
      });
    }
    i = end;
  }
  return blocks;
}
