import path from 'node:path';
import { CliError, defineCommand } from '../command.ts';
import { output } from '../open-state.ts';

const USAGE = `tollgate router train [--data ../shared/data/routellm-evals] [--out router.json] [--strong-share 0.3] [--json]
Trains the learned quality router (hashed n-gram logistic regression) on RouteLLM-format labelled
data and writes the artefact a 'learned' route loads; --strong-share sets its threshold so that
share of prompts goes to the strong model.`;

export default defineCommand({
  name: 'router',
  description: 'Train the learned quality router from labelled data.',
  usage: USAGE,
  options: { data: { type: 'string' }, out: { type: 'string' }, 'strong-share': { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, positionals }) {
    if (positionals[0] !== 'train') throw new CliError(`usage: ${USAGE}`, 2);
    const share = Number(values['strong-share'] ?? 0.3);
    if (!(share >= 0 && share <= 1)) throw new CliError('--strong-share must be between 0 and 1', 2);
    const { trainFromFiles } = await import('../../routing/learned/train-cli.ts');
    const summary = await trainFromFiles({
      routellmDir: path.resolve(typeof values.data === 'string' ? values.data : '../shared/data/routellm-evals'),
      out: typeof values.out === 'string' ? values.out : 'router.json',
      targetStrongShare: share,
    }).catch((error: unknown) => {
      throw new CliError((error as Error).message);
    });
    output(values.json === true, summary, () =>
      `trained on ${summary.nTrain} prompts (${summary.nPositive} needing the strong model) in ${Math.round(summary.trainMs)} ms; ` +
        `threshold ${summary.threshold.toFixed(4)} sends ${(summary.trainStrongShare * 100).toFixed(1)}% strong; wrote ${summary.out} (${summary.bytes} bytes)`,
    );
  },
});
