import type { ApiProblem } from './admin-client.js';

/**
 * The problem's detail as a CLI user should read it: the API speaks HTTP ("send a Bearer header"), the CLI
 * speaks in flags and environment variables. Problems without a CLI wording keep the server's detail.
 */
export function cliDetail(problem: ApiProblem): string {
  switch (problem.code) {
    case 'AUTH_MISSING_ADMIN_KEY':
      return 'no admin key given: pass --key KEY or set SEGFLOW_ADMIN_KEY (the server prints its admin key when it first starts, or set SEGFLOW_ADMIN_KEY for serve too)';
    case 'AUTH_INVALID_ADMIN_KEY':
      return 'the server does not accept this admin key (from --key or SEGFLOW_ADMIN_KEY); a write key is not an admin key';
    case 'AUTH_MISSING_WRITE_KEY':
      return 'no write key given: pass --write-key KEY or set SEGFLOW_WRITE_KEY';
    case 'AUTH_INVALID_WRITE_KEY':
      return 'the server does not accept this write key (from --write-key or SEGFLOW_WRITE_KEY)';
    default:
      return problem.detail;
  }
}
