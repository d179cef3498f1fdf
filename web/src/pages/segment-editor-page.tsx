import { useEffect, useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { RuleEditor } from '../components/rule-editor.js';
import { ErrorBox, Loading, Panel } from '../components/states.js';
import { api, ApiError, seg } from '../lib/api.js';
import { fmtNumber, personLabel } from '../lib/format.js';
import { useApi, useDebounced } from '../lib/use-api.js';
import type { Catalog, Diagnostic, DryRun, PersonRef, Segment } from '../lib/types.js';

function People({ people, label }: { people: readonly PersonRef[] | undefined; label: string }) {
  if (!people || people.length === 0) return null;
  return (
    <ul class="people-sample" aria-label={label}>
      {people.map((p) => (
        <li key={p.profileId}>
          <Link href={`/people/${seg(p.profileId)}`}>{personLabel(p)}</Link>
          {p.email && p.userId && <span class="muted"> {p.email}</span>}
        </li>
      ))}
    </ul>
  );
}

/** Create (`/segments/new`) or edit (`/segments/:name/edit`) a segment: rule editor, live diagnostics, dry run, save. */
export function SegmentEditorPage({ name }: { name?: string }) {
  const [, navigate] = useLocation();
  const existing = useApi<{ segment: Segment }>(name === undefined ? null : `/api/segments/${seg(name)}`);
  const catalog = useApi<Catalog>('/api/catalog');
  const [segName, setSegName] = useState(name ?? '');
  const [description, setDescription] = useState('');
  const [rule, setRule] = useState('');
  const [loaded, setLoaded] = useState(name === undefined);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [checkedText, setCheckedText] = useState('');
  const [dryRun, setDryRun] = useState<DryRun | undefined>();
  const [busy, setBusy] = useState<'dry-run' | 'save' | undefined>();
  const [failure, setFailure] = useState<ApiError | undefined>();

  useEffect(() => {
    const s = existing.data?.segment;
    if (s && !loaded) {
      setSegName(s.name);
      setDescription(s.description);
      setRule(s.rule);
      setLoaded(true);
    }
  }, [existing.data, loaded]);

  // Diagnostics follow the text: one check 300 ms after typing stops; an answer for older text is dropped.
  const debounced = useDebounced(rule, 300);
  useEffect(() => {
    let current = true;
    if (debounced.trim() === '') {
      setDiagnostics([]);
      setCheckedText(debounced);
      return;
    }
    api<{ diagnostics: Diagnostic[] }>('POST', '/api/rules/check', { rule: debounced, ...(segName ? { name: segName } : {}) }).then(
      (res) => {
        if (!current) return;
        setDiagnostics(res.diagnostics);
        setCheckedText(debounced);
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [debounced, segName]);

  const shownDiagnostics = checkedText === rule ? diagnostics : diagnostics.filter((d) => d.offset === undefined || d.offset < rule.length);
  const hasErrors = checkedText === rule && diagnostics.some((d) => d.severity === 'error');

  const runDryRun = async (): Promise<void> => {
    setBusy('dry-run');
    setFailure(undefined);
    try {
      setDryRun(await api<DryRun>('POST', '/api/segments/dry-run', { name: segName || 'draft', rule }));
    } catch (err) {
      setFailure(err instanceof ApiError ? err : new ApiError(0, 'CLIENT', String(err)));
    } finally {
      setBusy(undefined);
    }
  };

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy('save');
    setFailure(undefined);
    try {
      const body = { name: segName, rule, description };
      const res = name === undefined ? await api<{ segment: Segment }>('POST', '/api/segments', body) : await api<{ segment: Segment }>('PUT', `/api/segments/${seg(name)}`, body);
      navigate(`/segments/${seg(res.segment.name)}`);
    } catch (err) {
      setFailure(err instanceof ApiError ? err : new ApiError(0, 'CLIENT', String(err)));
      setBusy(undefined);
    }
  };

  if (name !== undefined && existing.error) return <ErrorBox error={existing.error} retry={existing.reload} />;
  if (!loaded) return <Loading what="segment" />;
  return (
    <>
      <div class="page-head">
        <h1>{name === undefined ? 'New segment' : `Edit ${name}`}</h1>
      </div>
      <form class="editor-form" onSubmit={save} aria-label="Segment">
        <div class="field">
          <label for="segment-name">Name</label>
          <input id="segment-name" value={segName} required maxLength={200} onInput={(e) => setSegName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="segment-description">Description</label>
          <input id="segment-description" value={description} maxLength={2000} onInput={(e) => setDescription(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="rule-text">Rule</label>
          <RuleEditor value={rule} onInput={setRule} diagnostics={shownDiagnostics} catalog={catalog.data} checking={checkedText !== rule} />
        </div>
        {failure && (
          <div class="error-box" role="alert">
            <strong>{failure.message}</strong> <code>{failure.code}</code>
          </div>
        )}
        <div class="actions">
          <button type="button" onClick={runDryRun} disabled={busy !== undefined || rule.trim() === '' || hasErrors}>
            {busy === 'dry-run' ? 'Running…' : 'Dry run'}
          </button>
          <button type="submit" class="primary" disabled={busy !== undefined || rule.trim() === '' || segName.trim() === '' || hasErrors}>
            {busy === 'save' ? 'Saving…' : 'Save'}
          </button>
          <Link href={name === undefined ? '/' : `/segments/${seg(name)}`}>Cancel</Link>
        </div>
      </form>
      {dryRun && (
        <Panel title="Dry run">
          <p class="dry-run-summary" aria-live="polite">
            <span class="big" data-testid="dry-run-size">
              {fmtNumber(dryRun.size)}
            </span>{' '}
            people match now ·{' '}
            <span class="added" data-testid="dry-run-entered">
              +{fmtNumber(dryRun.entered)}
            </span>{' '}
            would enter ·{' '}
            <span class="removed" data-testid="dry-run-exited">
              −{fmtNumber(dryRun.exited)}
            </span>{' '}
            would leave
          </p>
          <div class="columns">
            <div>
              <h3>Would enter</h3>
              <People people={dryRun.sampleEnteredPeople} label="People who would enter" />
            </div>
            <div>
              <h3>Would leave</h3>
              <People people={dryRun.sampleExitedPeople} label="People who would leave" />
            </div>
          </div>
        </Panel>
      )}
    </>
  );
}
