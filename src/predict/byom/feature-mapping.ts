import { FEATURE_NAMES } from '../features/feature-set.js';

/** Maps a model's input columns, by name, onto segflow's feature vector; lists unknown names as problems. */
export function mapFeatures(names: readonly string[]): { ok: true; index: number[] } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const index = names.map((name) => {
    const i = FEATURE_NAMES.indexOf(name);
    if (i < 0) problems.push(`input column "${name}" is not a segflow feature (see docs/predictions.md for the list)`);
    return i;
  });
  if (names.length === 0) problems.push('the model names no input columns');
  if (new Set(names).size !== names.length) problems.push('an input column is named twice');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, index };
}
