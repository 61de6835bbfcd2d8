/**
 * The CodeMirror 6 view of the editor pane: line numbers, undo history, search, bracket
 * matching, the file's language, One Dark's colours, Ctrl+S to save. Loaded on the first
 * `labbox-edit`, not with the page.
 */
import { EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput } from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { oneDark } from '@codemirror/theme-one-dark';
import { languageExtension, languageName } from './languages';

export interface CodeView {
  text(): string;
  /** replaces the text (a reload), as one step the trainee can undo */
  setText(text: string): void;
  focus(): void;
  destroy(): void;
}

export function createCodeView(parent: HTMLElement, path: string, text: string, hooks: { save(): void; changed(): void }): CodeView {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        keymap.of([
          { key: 'Mod-s', preventDefault: true, run: () => (hooks.save(), true) },
          indentWithTab,
          ...defaultKeymap,
          ...historyKeymap,
          ...searchKeymap,
        ]),
        languageExtension(languageName(path, text.split('\n', 1)[0])),
        oneDark,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) hooks.changed();
        }),
      ],
    }),
  });
  return {
    text: () => view.state.doc.toString(),
    setText: (next) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } }),
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
