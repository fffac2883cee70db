import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mosquittoPasswordLine } from '../../../protocols/mqtt/mosquitto-password.js';

function readEntries(file: string): Map<string, string> {
  const entries = new Map<string, string>();
  if (!existsSync(file)) return entries;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) entries.set(line.slice(0, colon), line);
  }
  return entries;
}

function writeEntries(file: string, entries: Map<string, string>): void {
  const temp = `${file}.tmp`;
  // Mosquitto 2.0 warns about (and later versions refuse) password files readable by others.
  writeFileSync(temp, [...entries.values()].map((line) => `${line}\n`).join(''), { mode: 0o600 });
  renameSync(temp, file);
}

/** Adds or replaces `username` in the password file (atomic rename, mode 0600). */
export function upsertPasswordEntry(file: string, username: string, password: string): void {
  const entries = readEntries(file);
  entries.set(username, mosquittoPasswordLine(username, password));
  writeEntries(file, entries);
}

/** Removes `username`; returns whether it was present. */
export function removePasswordEntry(file: string, username: string): boolean {
  const entries = readEntries(file);
  const present = entries.delete(username);
  if (present) writeEntries(file, entries);
  return present;
}

/** Usernames currently in the password file. */
export function passwordFileUsers(file: string): string[] {
  return [...readEntries(file).keys()];
}
