import type { EspPort } from '../api/index.js';
import type { Clock } from '../core/index.js';
import {
  espProviders,
  EspWebhookService,
  espSettingNames,
  ReplayTokenRepo,
  saveEspSettings,
  type EspProvider,
  type EspWebhookDeps,
  type IngestService,
  type SettingCipher,
} from '../ingest/index.js';
import type { Store } from '../store/index.js';

/** What {@link storeEspPort} needs; `certificates` and `subscribeGetter` let tests sign SNS messages themselves. */
export interface EspPortDeps {
  readonly store: Pick<Store, 'workspaces' | 'sql'>;
  readonly ingest: Pick<IngestService, 'ingest'>;
  readonly clock: Clock;
  /** Seals Mailgun and Postmark secrets at rest (`SEGFLOW_SECRET_KEY`); default: stored as they are. */
  readonly cipher?: SettingCipher;
  readonly certificates?: EspWebhookDeps['certificates'];
  readonly subscribeGetter?: EspWebhookDeps['subscribeGetter'];
}

/** The ESP webhook port: the verifying {@link EspWebhookService} and the providers' secrets in workspace settings. */
export function storeEspPort(deps: EspPortDeps): EspPort {
  const { store, ingest, clock } = deps;
  const service = new EspWebhookService({
    workspaces: store.workspaces,
    replayTokens: new ReplayTokenRepo(store.sql),
    clock,
    ...(deps.cipher ? { cipher: deps.cipher } : {}),
    ingest: (workspaceId, messages, provider) => ingest.ingest(workspaceId, messages, { receivedAt: clock.now(), source: `esp:${provider}` }),
    ...(deps.certificates ? { certificates: deps.certificates } : {}),
    ...(deps.subscribeGetter ? { subscribeGetter: deps.subscribeGetter } : {}),
  });
  return {
    receive: (provider, workspaceId, request) => service.receive(provider, workspaceId, request),
    async configured(workspaceId) {
      const answer = {} as Record<EspProvider, boolean>;
      for (const provider of espProviders) {
        const value = await store.workspaces.getSetting(workspaceId, espSettingNames[provider]);
        answer[provider] = value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
      }
      return answer;
    },
    async sesAllowedTopics(workspaceId) {
      const value = await store.workspaces.getSetting(workspaceId, espSettingNames.ses);
      return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
    },
    save: (workspaceId, settings) => saveEspSettings(store.workspaces, workspaceId, settings, deps.cipher),
    remove: (workspaceId, provider) => store.workspaces.setSetting(workspaceId, espSettingNames[provider], undefined),
  };
}
