import { PassThrough } from 'node:stream';

/** A stream standing for stdout, and everything written to it so far. */
export function captureStream(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  return { out, text: () => text };
}
