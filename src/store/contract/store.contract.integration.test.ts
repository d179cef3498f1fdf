import { describe } from 'vitest';
import { describeEachStore } from '../testing/index.js';
import { eventRepoContract } from './event-repo.contract.js';
import { profileRepoContract } from './profile-repo.contract.js';
import { transactionContract } from './transaction.contract.js';
import { workspaceRepoContract } from './workspace-repo.contract.js';

describeEachStore('store contract', (getStore) => {
  describe('workspaces', () => workspaceRepoContract(getStore));
  describe('profiles', () => profileRepoContract(getStore));
  describe('events', () => eventRepoContract(getStore));
  describe('transactions', () => transactionContract(getStore));
});
