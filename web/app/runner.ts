/**
 * The scenario runner: a bundled example or pasted YAML (Kubernetes manifests plus one podcap
 * Scenario) is simulated by the server and drawn by the report renderer. A scenario the loader refuses
 * is shown at its line: a marker in the gutter, the message, and the line selected in the editor.
 */

import { renderReport } from '../report/render.js';
import { type ApiError, api } from './api-client.js';
import { h } from './dom.js';

const PLACEHOLDER = `# Kubernetes manifests plus one podcap Scenario, separated by ---
apiVersion: podcap.dev/v1alpha1
kind: Scenario
metadata:
  name: my-scenario
spec:
  duration: 30m
  ...`;

/** The offsets of line `line` (1-based) in `text`: start, and end before its newline. */
export function lineRange(text: string, line: number): { start: number; end: number } {
  let start = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf('\n', start);
    if (next < 0) return { start: text.length, end: text.length };
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return { start, end: end < 0 ? text.length : end };
}

/** `line 14: Deployment default/web (document 2): spec.replicas: expected …, got …`. */
export function errorText(error: ApiError): string {
  const where = error.line === undefined || error.line === null ? '' : `line ${error.line}: `;
  if (error.fieldPath !== undefined && error.expected !== undefined) {
    return `${where}${error.fieldPath}: expected ${error.expected}, got ${error.found ?? 'nothing'}`;
  }
  return `${where}${error.message}`;
}

export function mountRunner(root: HTMLElement): void {
  const example = h(
    'select',
    { 'data-testid': 'runner-example', 'aria-label': 'Bundled example' },
    h('option', { value: '' }, 'Paste your own YAML…'),
  );
  const run = h('button', { type: 'button', class: 'primary', 'data-testid': 'runner-run' }, 'Run simulation');
  const status = h('span', { class: 'status', role: 'status', 'data-testid': 'runner-status' });
  const gutter = h('pre', { class: 'gutter', 'aria-hidden': 'true' });
  const editor = h('textarea', {
    'data-testid': 'runner-yaml',
    class: 'code-editor',
    spellcheck: false,
    wrap: 'off',
    placeholder: PLACEHOLDER,
    'aria-label': 'Scenario YAML',
  });
  const errorBox = h('div', { class: 'error-box', 'data-testid': 'runner-error', role: 'alert', hidden: true });
  const description = h('p', { class: 'muted small' });
  const report = h('div', { class: 'report-host', 'data-testid': 'runner-report' });
  let errorLine: number | null = null;

  root.append(
    h(
      'div',
      { class: 'panel runner-input' },
      h('div', { class: 'toolbar' }, example, run, status),
      description,
      h('div', { class: 'editor' }, gutter, editor),
      errorBox,
    ),
    report,
  );

  function drawGutter(): void {
    const count = editor.value.split('\n').length;
    const marks: (Node | string)[] = [];
    for (let line = 1; line <= count; line += 1) {
      marks.push(
        line === errorLine
          ? h(
              'span',
              { class: 'error-line', 'data-testid': 'runner-error-line', title: errorBox.textContent ?? '' },
              `${line}`,
            )
          : `${line}`,
        '\n',
      );
    }
    gutter.replaceChildren(...marks);
    gutter.scrollTop = editor.scrollTop;
  }

  function clearError(): void {
    errorLine = null;
    errorBox.hidden = true;
    errorBox.replaceChildren();
    drawGutter();
  }

  function showError(error: ApiError): void {
    errorLine = error.line ?? null;
    errorBox.replaceChildren(h('strong', {}, 'The scenario was not run. '), errorText(error));
    errorBox.hidden = false;
    drawGutter();
    if (errorLine !== null) {
      const { start, end } = lineRange(editor.value, errorLine);
      editor.focus();
      editor.setSelectionRange(start, end);
      const lineHeight = Number.parseFloat(getComputedStyle(editor).lineHeight) || 18;
      editor.scrollTop = Math.max(0, (errorLine - 4) * lineHeight);
      gutter.scrollTop = editor.scrollTop;
    }
  }

  async function loadExample(name: string): Promise<void> {
    if (name === '') return;
    const answer = await api.example(name);
    if (!answer.ok) {
      showError(answer.error);
      return;
    }
    editor.value = answer.value.yaml;
    editor.scrollTop = 0;
    clearError();
  }

  async function runScenario(): Promise<void> {
    if (editor.value.trim() === '') {
      showError({ message: 'Nothing to run: choose an example or paste a scenario.' });
      return;
    }
    clearError();
    run.disabled = true;
    status.textContent = 'Simulating…';
    const started = performance.now();
    const answer = await api.simulate(editor.value);
    run.disabled = false;
    if (!answer.ok) {
      status.textContent = '';
      showError(answer.error);
      return;
    }
    status.textContent = `Simulated in ${((performance.now() - started) / 1000).toFixed(1)} s`;
    renderReport(report, answer.value);
    report.scrollIntoView({ block: 'start' });
  }

  editor.addEventListener('input', () => {
    if (errorLine !== null) clearError();
    else drawGutter();
  });
  editor.addEventListener('scroll', () => {
    gutter.scrollTop = editor.scrollTop;
  });
  editor.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') void runScenario();
  });
  example.addEventListener('change', () => {
    const chosen = example.selectedOptions[0];
    description.textContent = chosen?.title ?? '';
    void loadExample(example.value);
  });
  run.addEventListener('click', () => void runScenario());
  drawGutter();

  void api.examples().then((answer) => {
    if (!answer.ok) return;
    for (const e of answer.value.examples) example.append(h('option', { value: e.name, title: e.title }, e.name));
  });
}
