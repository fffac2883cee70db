import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import type { TopicKind } from '../../protocols/messages/topic-schemas.js';

export interface DocExample {
  kind: TopicKind;
  type: string;
  json: unknown;
}

/** Every ```json fleetcast:<kind>:<type> block of docs/protocol.md, parsed. */
export function loadDocExamples(): DocExample[] {
  const markdown = readFileSync(join(repoRoot, 'docs', 'protocol.md'), 'utf8');
  const blocks = markdown.matchAll(/```json fleetcast:([a-z/]+):([a-z-]+)\n([\s\S]*?)```/g);
  return [...blocks].map((match) => ({ kind: match[1] as TopicKind, type: match[2], json: JSON.parse(match[3]) }));
}
