import * as ort from 'onnxruntime-node';
import { mapFeatures } from './feature-mapping.js';

/** An imported ONNX classifier, its input columns mapped onto segflow's feature vector. */
export interface OnnxPredictor {
  readonly type: 'onnx';
  /** The model file, base64 (kept with the model version, so scoring needs no file). */
  readonly modelBase64: string;
  readonly featureNames: readonly string[];
  readonly featureIndex: readonly number[];
  readonly inputName: string;
  readonly inputType: 'float32' | 'float64';
  readonly outputName: string;
  /** Which column of the output holds the positive class's probability. */
  readonly outputColumn: number;
}

/** What an import found wrong (each problem says what to change). */
export type OnnxImport = { readonly ok: true; readonly predictor: OnnxPredictor } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Checks an ONNX binary classifier and maps it onto segflow features: exactly one input, a float or double tensor
 * of shape [N, k] with k = the number of `featureNames` (each a segflow feature); an output that is a float
 * tensor [N, 2] (probability of class 1 in column 1) or [N, 1]. A scikit-learn model converted with the default
 * ZipMap output (a sequence of maps) is refused with how to re-export it: onnxruntime-node cannot return it.
 */
export async function importOnnx(bytes: Uint8Array, featureNames: readonly string[]): Promise<OnnxImport> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes);
  } catch (err) {
    return { ok: false, problems: [`not a model onnxruntime can load: ${(err as Error).message.split('\n')[0] ?? ''}`] };
  }
  try {
    const problems: string[] = [];
    const mapping = mapFeatures(featureNames);
    if (!mapping.ok) problems.push(...mapping.problems);
    const inputs = session.inputMetadata;
    let inputType: 'float32' | 'float64' = 'float32';
    if (inputs.length !== 1) problems.push(`the model has ${inputs.length} inputs; segflow feeds one [N, k] tensor`);
    const input = inputs[0];
    if (input !== undefined) {
      if (!input.isTensor) problems.push(`input "${input.name}" is not a tensor`);
      else {
        if (input.type !== 'float32' && input.type !== 'float64') problems.push(`input "${input.name}" has type ${input.type}; segflow feeds float or double`);
        else inputType = input.type;
        const width = input.shape[1];
        if (input.shape.length !== 2) problems.push(`input "${input.name}" has ${input.shape.length} dimensions; expected [N, ${featureNames.length}]`);
        else if (typeof width === 'number' && width !== featureNames.length) problems.push(`input "${input.name}" has ${width} columns but ${featureNames.length} feature names were given`);
      }
    }
    const zipmap = session.outputMetadata.filter((o) => !o.isTensor);
    if (zipmap.length > 0) {
      problems.push(
        `output "${zipmap[0]?.name}" is a sequence of maps: the model was converted with scikit-learn's ZipMap, which onnxruntime-node cannot return. Re-export without it (skl2onnx: options={id(model): {"zipmap": False}}) so probabilities are a tensor`,
      );
    }
    const probability = session.outputMetadata.find(
      (o) => o.isTensor && (o.type === 'float32' || o.type === 'float64') && o.shape.length === 2 && (o.shape[1] === 2 || o.shape[1] === 1),
    );
    if (probability === undefined && zipmap.length === 0) problems.push('no output is a float tensor of shape [N, 2] or [N, 1] holding probabilities');
    if (problems.length > 0 || !mapping.ok || probability === undefined || input === undefined) return { ok: false, problems };
    const width = probability.isTensor ? probability.shape[1] : 2;
    return {
      ok: true,
      predictor: {
        type: 'onnx',
        modelBase64: Buffer.from(bytes).toString('base64'),
        featureNames,
        featureIndex: mapping.index,
        inputName: input.name,
        inputType,
        outputName: probability.name,
        outputColumn: width === 2 ? 1 : 0,
      },
    };
  } finally {
    await session.release();
  }
}

/** A loaded ONNX predictor that scores rows of segflow feature vectors in one run. */
export class OnnxScorer {
  private constructor(
    private readonly predictor: OnnxPredictor,
    private readonly session: ort.InferenceSession,
  ) {}

  /** Loads the predictor's model into an inference session. */
  static async load(predictor: OnnxPredictor): Promise<OnnxScorer> {
    return new OnnxScorer(predictor, await ort.InferenceSession.create(Buffer.from(predictor.modelBase64, 'base64')));
  }

  /** Probabilities for segflow feature vectors (a missing value, NaN, is fed as 0). */
  async score(rows: readonly ArrayLike<number>[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const p = this.predictor;
    const k = p.featureIndex.length;
    const data = p.inputType === 'float32' ? new Float32Array(rows.length * k) : new Float64Array(rows.length * k);
    rows.forEach((x, r) => {
      for (let j = 0; j < k; j++) {
        const v = x[p.featureIndex[j] as number] as number;
        data[r * k + j] = Number.isNaN(v) ? 0 : v;
      }
    });
    const out = await this.session.run({ [p.inputName]: new ort.Tensor(p.inputType, data, [rows.length, k]) }, [p.outputName]);
    const tensor = out[p.outputName] as ort.Tensor;
    const values = tensor.data as Float32Array | Float64Array;
    const width = Number(tensor.dims[1] ?? 1);
    return rows.map((_, r) => values[r * width + p.outputColumn] as number);
  }

  /** Frees the session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}
