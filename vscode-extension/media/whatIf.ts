// The what-if webview's script: sliders and a picker for the run's knobs (from the server's answer: each slider's
// stops come with their texts), a message to the extension for every move (it asks the server, which cancels the
// what-if still running), and the server's overlay charts drawn as they are. Bundled into dist/webview/whatIf.js.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './gradientFlow.css';
import './whatIf.css';
import type { WhatIfAnswer, WhatIfHostMessage, WhatIfKnob, WhatIfOverrides, WhatIfWebviewMessage } from '../src/panel/whatIfData';
import { lineChart, readTheme } from './charts';

interface WebviewApi { postMessage(message: WhatIfWebviewMessage): void }
declare const acquireVsCodeApi: undefined | (() => WebviewApi);
const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

const knobsForm = document.getElementById('grad-knobs') as HTMLFormElement;
const statusLine = document.getElementById('grad-status') as HTMLElement;
const summaries = document.getElementById('grad-summaries') as HTMLElement;
const chartsDiv = document.getElementById('grad-whatif-charts') as HTMLElement;
const applyButton = document.getElementById('grad-apply') as HTMLButtonElement;
const resetButton = document.getElementById('grad-reset') as HTMLButtonElement;

let knobs: WhatIfKnob[] = [];
/** Each knob's position: a stop's index for a slider, a choice for the picker. */
const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
let plots: uPlot[] = [];
let answers = 0;
let last: WhatIfAnswer | undefined;

const fileIndex = (knob: WhatIfKnob) => Math.max(0, knob.stops?.findIndex((s) => s.value === knob.value) ?? 0);

/** The knobs moved away from the file's values. */
function overrides(): WhatIfOverrides {
  const result: WhatIfOverrides = {};
  for (const knob of knobs) {
    const input = inputs.get(knob.name);
    if (!input) continue;
    if (knob.name === 'activation') {
      if (input.value !== knob.choice) result.activation = input.value;
    } else {
      const stop = knob.stops?.[Number(input.value)];
      if (stop && stop.value !== knob.value) result[knob.name] = stop.value;
    }
  }
  return result;
}

function send(type: 'whatIf' | 'apply'): void {
  statusLine.classList.remove('grad-error');
  statusLine.textContent = type === 'apply' ? 'Writing the values into the file…' : 'Running the what-if…';
  document.body.dataset.pending = 'yes';
  vscode?.postMessage({ type, overrides: overrides() });
}

function buildKnobs(): void {
  knobsForm.replaceChildren();
  inputs.clear();
  for (const knob of knobs) {
    const label = document.createElement('label');
    label.textContent = knob.label;
    label.htmlFor = `knob-${knob.name}`;
    knobsForm.append(label);
    if (knob.unavailable) {
      const off = document.createElement('span');
      off.className = 'grad-knob-off';
      off.textContent = knob.unavailable;
      knobsForm.append(off);
      continue;
    }
    const value = document.createElement('span');
    value.className = 'grad-knob-value';
    value.id = `knob-${knob.name}-value`;
    if (knob.name === 'activation') {
      const select = document.createElement('select');
      select.id = `knob-${knob.name}`;
      for (const choice of knob.choices ?? []) select.add(new Option(choice, choice, false, choice === knob.choice));
      select.addEventListener('change', () => send('whatIf'));
      inputs.set(knob.name, select);
      knobsForm.append(select, value);
      continue;
    }
    const slider = document.createElement('input');
    slider.type = 'range';
    slider.id = `knob-${knob.name}`;
    slider.min = '0';
    slider.max = String((knob.stops?.length ?? 1) - 1);
    slider.step = '1';
    slider.value = String(fileIndex(knob));
    const show = () => { value.textContent = knob.stops?.[Number(slider.value)]?.text ?? ''; };
    show();
    slider.addEventListener('input', () => { show(); send('whatIf'); });
    inputs.set(knob.name, slider);
    knobsForm.append(slider, value);
  }
  applyButton.disabled = false;
  resetButton.disabled = false;
}

function drawAnswer(answer: WhatIfAnswer): void {
  // The knobs are built once per run (an answer for the same run keeps the sliders where the user left them).
  if (!last || last.run !== answer.run || JSON.stringify(last.knobs) !== JSON.stringify(answer.knobs)) {
    knobs = answer.knobs;
    buildKnobs();
  }
  last = answer;
  const line = (label: string, text: string) => { const p = document.createElement('p'); p.textContent = `${label}: ${text}`; return p; };
  summaries.replaceChildren(line(`run ${answer.run}`, answer.current), line(`what-if (${answer.label})`, answer.whatIf));
  for (const plot of plots.splice(0)) plot.destroy();
  chartsDiv.replaceChildren();
  const theme = readTheme();
  for (const chart of answer.charts) {
    const figure = document.createElement('figure');
    figure.className = `grad-chart grad-chart-${chart.kind}`;
    figure.id = `chart-${chart.id}`;
    const caption = document.createElement('figcaption');
    caption.textContent = chart.title;
    const target = document.createElement('div');
    target.className = 'grad-plot';
    figure.append(caption, target);
    chartsDiv.append(figure);
    plots.push(lineChart(chart, target, Math.max(240, Math.floor(figure.clientWidth - 16)), theme));
    if (chart.note) {
      const note = document.createElement('div');
      note.className = 'grad-note';
      note.textContent = chart.note;
      target.append(note);
    }
  }
  answers++;
  document.body.dataset.answers = String(answers);
  document.body.dataset.label = answer.label;
  delete document.body.dataset.pending;
  statusLine.textContent = '';
}

window.addEventListener('message', (event: MessageEvent<WhatIfHostMessage>) => {
  const message = event.data;
  if (message.type === 'answer') drawAnswer(message.answer);
  else {
    delete document.body.dataset.pending;
    statusLine.classList.toggle('grad-error', message.type === 'error');
    statusLine.textContent = message.message;
    if (message.type === 'error') document.body.dataset.error = message.message;
  }
});

applyButton.addEventListener('click', () => send('apply'));
resetButton.addEventListener('click', () => {
  for (const knob of knobs) {
    const input = inputs.get(knob.name);
    if (!input) continue;
    input.value = knob.name === 'activation' ? knob.choice ?? '' : String(fileIndex(knob));
    input.dispatchEvent(new Event(knob.name === 'activation' ? 'change' : 'input'));
  }
});
vscode?.postMessage({ type: 'ready' });
// The theme changed: redraw in its colours.
new MutationObserver(() => { if (last) drawAnswer(last); })
  .observe(document.body, { attributes: true, attributeFilter: ['class'] });
