// The engine's face to the entry module (hub.ts): everything that reads or writes files.
import { askToShare } from './ask.js';
import { setSlowPath } from './counter.js';
import { notice } from './notice.js';
import { nameLater } from './stack.js';
import { open, slowAdd } from './state.js';

export interface Engine {
  slowAdd: typeof slowAdd;
  open: typeof open;
  nameLater: typeof nameLater;
  notice: typeof notice;
  askToShare: typeof askToShare;
}

export const engine: Engine = { slowAdd, open, nameLater, notice, askToShare };

// In the published engine bundle this module has its own copy of counter.ts: the counters the
// engine creates itself (one per distinct stack) must reach this state too.
setSlowPath(slowAdd);
