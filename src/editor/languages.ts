/**
 * The editor's language for a file, from its name (and its first line for scripts without
 * an extension): Dockerfile, YAML (compose.yaml, Kubernetes manifests), JSON and shell, the
 * files of the course; anything else is plain text.
 */
import type { Extension } from '@codemirror/state';
import { StreamLanguage } from '@codemirror/language';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { shell } from '@codemirror/legacy-modes/mode/shell';

export type LanguageName = 'dockerfile' | 'yaml' | 'json' | 'shell' | 'text';

export function languageName(path: string, firstLine = ''): LanguageName {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (/^(docker|container)file(\..*)?$/.test(name) || name.endsWith('.dockerfile')) return 'dockerfile';
  if (/\.ya?ml$/.test(name)) return 'yaml';
  if (/\.json$/.test(name) || name === '.dockerconfigjson') return 'json';
  if (/\.(sh|bash)$/.test(name) || /^\.(bashrc|profile|bash_profile)$/.test(name) || /^#!.*\b(ba|da)?sh\b/.test(firstLine)) return 'shell';
  return 'text';
}

export function languageExtension(language: LanguageName): Extension {
  switch (language) {
    case 'dockerfile':
      return StreamLanguage.define(dockerFile);
    case 'yaml':
      return yaml();
    case 'json':
      return json();
    case 'shell':
      return StreamLanguage.define(shell);
    default:
      return [];
  }
}
