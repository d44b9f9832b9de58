import { inboundOf, replaceBody } from '../domain/inbound.ts';
import { modelAllowed } from '../keys/model-allowlist.ts';
import { noteExperiment } from './route-notes.ts';
import type { PipelineRequest, PipelineDeps } from './types.ts';

/**
 * Experiments on a model alias: A/B sends `share` of its requests to the candidate; shadow calls
 * the candidate as well (metered as its own ledger row, never returned). The arm is recorded in
 * route decision (`experiment: {name, arm}`), which the experiment report groups by. Returns the shadow request to run.
 */
export function experimentArm(request: PipelineRequest, deps: PipelineDeps): PipelineRequest | undefined {
  if (request.shadow) return undefined;
  const model = inboundOf(request).model;
  for (const [name, experiment] of Object.entries(deps.config.experiments)) {
    if (experiment.model !== model) continue;
    // A key limited to some models is never put on an experiment's candidate it may not use.
    if (!modelAllowed(request.principal.limits?.allowedModels, [experiment.candidate])) continue;
    const inSample = Math.random() < experiment.share;
    if (experiment.mode === 'ab') {
      noteExperiment(request, name, inSample ? 'candidate' : 'control');
      if (inSample) replaceBody(request, { ...request.body, model: experiment.candidate });
      return undefined;
    }
    if (!inSample) return undefined;
    noteExperiment(request, name, 'control');
    const { budget: _budget, ...rest } = request;
    const shadow: PipelineRequest = { ...rest, id: `${request.id}-shadow`, body: { ...request.body, model: experiment.candidate, stream: false }, shadow: true, signal: undefined };
    noteExperiment(shadow, name, 'shadow');
    return shadow;
  }
  return undefined;
}
