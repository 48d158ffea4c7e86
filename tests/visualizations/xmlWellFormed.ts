/**
 * A small well-formedness check for the SVG the visualizations produce, without an XML parser:
 * one root element, every start tag closed in order, attribute values quoted, `&` only in
 * entity references, no `<` in text. Returns the problem, or undefined when the text is well formed.
 */
export function xmlProblem(xml: string): string | undefined {
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const text = (from: number, to: number): string | undefined => {
    const chunk = xml.slice(from, to);
    for (let j = chunk.indexOf('&'); j >= 0; j = chunk.indexOf('&', j + 1)) {
      const end = chunk.indexOf(';', j);
      const name = end < 0 ? '' : chunk.slice(j + 1, end);
      if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(name)) return `bad entity reference at ${from + j}`;
    }
    if (stack.length === 0 && chunk.trim() !== '') return `text outside the root element at ${from}`;
    return undefined;
  };
  while (i < xml.length) {
    const open = xml.indexOf('<', i);
    const textEnd = open < 0 ? xml.length : open;
    const problem = text(i, textEnd);
    if (problem) return problem;
    if (open < 0) break;
    if (xml.startsWith('<!--', open)) {
      const end = xml.indexOf('-->', open + 4);
      if (end < 0) return 'unterminated comment';
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', open) || xml.startsWith('<!', open)) return `prolog, doctype or CDATA at ${open}`;
    // A tag: scan to its `>`, skipping quoted attribute values.
    let j = open + 1;
    let quote: string | undefined;
    while (j < xml.length && (quote || xml[j] !== '>')) {
      if (quote) {
        if (xml[j] === quote) quote = undefined;
        else if (xml[j] === '<') return `< inside an attribute value at ${j}`;
      } else if (xml[j] === '"' || xml[j] === "'") quote = xml[j];
      j++;
    }
    if (j >= xml.length) return `unterminated tag at ${open}`;
    const tag = xml.slice(open + 1, j);
    i = j + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) return `closing </${name}> does not match at ${open}`;
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const name = body.split(/\s/)[0] ?? '';
    if (!/^[A-Za-z_][\w.:-]*$/.test(name)) return `bad tag name "${name}" at ${open}`;
    const attributeProblem = attributesProblem(body.slice(name.length));
    if (attributeProblem) return `${attributeProblem} in <${name}> at ${open}`;
    if (stack.length === 0) roots++;
    if (roots > 1) return `a second root element at ${open}`;
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) return `unclosed <${stack.join('>, <')}>`;
  if (roots !== 1) return 'no root element';
  return undefined;
}

function attributesProblem(text: string): string | undefined {
  let rest = text.trim();
  const seen = new Set<string>();
  while (rest !== '') {
    const equals = rest.indexOf('=');
    if (equals < 0) return `attribute without value: ${rest}`;
    const name = rest.slice(0, equals).trim();
    if (!/^[A-Za-z_][\w.:-]*$/.test(name)) return `bad attribute name "${name}"`;
    if (seen.has(name)) return `duplicate attribute ${name}`;
    seen.add(name);
    const valueStart = rest.slice(equals + 1).trimStart();
    const quote = valueStart[0];
    if (quote !== '"' && quote !== "'") return `unquoted value of ${name}`;
    const end = valueStart.indexOf(quote, 1);
    if (end < 0) return `unterminated value of ${name}`;
    const value = valueStart.slice(1, end);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(value)) return `bad entity reference in ${name}`;
    rest = valueStart.slice(end + 1).trimStart();
  }
  return undefined;
}

/** The text of every `<text>` element, entities decoded. */
export function svgTexts(svg: string): string[] {
  const texts: string[] = [];
  for (let start = svg.indexOf('<text'); start >= 0; start = svg.indexOf('<text', start + 1)) {
    const contentStart = svg.indexOf('>', start) + 1;
    const end = svg.indexOf('</text>', contentStart);
    texts.push(decodeEntities(svg.slice(contentStart, end)));
  }
  return texts;
}

export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name as 'amp']!;
  });
}
