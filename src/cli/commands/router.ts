import path from 'node:path';
import { CliError, defineCommand } from '../command.ts';
import { output } from '../open-state.ts';
import { JSONL_FORMAT } from '../../routing/learned/jsonl-dataset.ts';
import { ownEntry } from '../../domain/own-entry.ts';

const USAGE = `tollgate router train --data FILE.jsonl|ROUTELLM_DIR [--out router.json] [--strong-share 0.3]
                      [--feedback-route NAME [--config tollgate.yaml]] [--json]
Trains the learned quality router (hashed n-gram logistic regression) on labelled prompts and
writes the artefact a 'learned' route loads (routes.<name>.artefact). --strong-share sets its
threshold so that share of prompts goes to the strong model. 30% of the prompts (chosen by a hash
of their text) are held out: accuracy, AUC and the strong share on them are printed after training.

--data is either
  ${JSONL_FORMAT.split('\n').join('\n  ')}
or a RouteLLM evals directory (mmlu/mmlu_*.csv and gsm8k/gsm8k_responses.csv, with a 'prompt'
column and True/False columns for mistralai/Mixtral-8x7B-Instruct-v0.1 and gpt-4-1106-preview).

With --feedback-route, feedback collected through POST /api/feedback (with its prompt) on that
learned route's weak model is added: a low score says the strong model was needed, a high one
that the weak model sufficed.`;

export default defineCommand({
  name: 'router',
  description: 'Train the learned quality router from labelled data.',
  usage: USAGE,
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    'strong-share': { type: 'string' },
    'feedback-route': { type: 'string' },
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }) {
    if (positionals[0] !== 'train') throw new CliError(`usage: ${USAGE}`, 2);
    if (typeof values.data !== 'string' || values.data === '') throw new CliError(`router train needs --data (the labelled prompts to learn from)\nusage: ${USAGE}`, 2);
    const share = Number(values['strong-share'] ?? 0.3);
    if (!(share >= 0 && share <= 1)) throw new CliError('--strong-share must be between 0 and 1', 2);
    const { trainFromFiles } = await import('../../routing/learned/train-cli.ts');
    const extraExamples = typeof values['feedback-route'] === 'string' ? await feedbackExamples(values['feedback-route'], values.config) : [];
    const summary = await trainFromFiles({
      data: path.resolve(values.data),
      out: typeof values.out === 'string' ? values.out : 'router.json',
      targetStrongShare: share,
      extraExamples,
    }).catch((error: unknown) => {
      throw new CliError((error as Error).message);
    });
    const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
    const held = summary.heldOut;
    output(values.json === true, summary, () =>
      [
        `trained on ${summary.nTrain} prompts (${summary.nPositive} needing the strong model, ${summary.nExtra} from feedback) in ${Math.round(summary.trainMs)} ms`,
        `threshold ${summary.threshold.toFixed(4)} sends ${percent(summary.trainStrongShare)} of the training prompts to the strong model`,
        held.n === 0
          ? 'held-out: no prompts fell in the held-out part (too little data to measure accuracy)'
          : `held-out (${held.n} prompts never trained on, ${held.positives} needing the strong model): accuracy ${percent(held.accuracy)}, ` +
            `AUC ${held.auc === null ? 'n/a (one class only)' : held.auc.toFixed(3)}, strong share at the threshold ${percent(held.strongShare)}`,
        `wrote ${summary.out} (${summary.bytes} bytes)`,
      ].join('\n'),
    );
  },
});

/** Feedback with prompts on a learned route's weak model, as labelled examples (weight 3: a real verdict on real traffic). */
async function feedbackExamples(routeName: string, configPath: unknown): Promise<Array<{ prompt: string; label: 0 | 1; weight: number }>> {
  const { loadCliConfig, openCliStorage } = await import('../open-state.ts');
  const { resolveTargets } = await import('../../routing/resolve-target.ts');
  const config = loadCliConfig(typeof configPath === 'string' ? configPath : undefined);
  const route = ownEntry(config.routes, routeName);
  if (!route || route.strategy !== 'learned' || !route.weak) throw new CliError(`'${routeName}' is not a learned route in the config`);
  const weak = resolveTargets(config, route.weak).chain[0]!;
  const storage = await openCliStorage();
  try {
    const rows = await storage.feedback.list(1_000_000);
    return rows
      .filter((row) => row.prompt && row.target?.startsWith(weak.upstreamModel) && row.target.endsWith(`@${weak.providerId}`))
      .map((row) => ({ prompt: row.prompt!, label: row.score < 0.5 ? 1 : 0, weight: 3 }));
  } finally {
    await storage.close();
  }
}
