/**
 * torch.utils: utils.data, utils.benchmark (Timer, Measurement), utils.tensorboard (SummaryWriter, in memory) and
 * utils.checkpoint (checkpoint, checkpoint_sequential).
 */
import * as data from "./data/index";
import { Measurement, Timer, select_unit } from "./benchmark";
import { tensorboard } from "./tensorboard";
import { checkpoint as checkpointFn, checkpoint_sequential } from "./checkpoint";

export const benchmark = { Timer, Measurement, select_unit };
/** torch.utils.checkpoint: `import torch.utils.checkpoint as cp; cp.checkpoint(fn, *args)`. */
export const checkpoint = { checkpoint: checkpointFn, checkpoint_sequential };
export { data, tensorboard };
