/** torch.utils: utils.data, utils.benchmark (Timer, Measurement) and utils.tensorboard (SummaryWriter, in memory). */
import * as data from "./data/index";
import { Measurement, Timer, select_unit } from "./benchmark";
import { tensorboard } from "./tensorboard";

export const benchmark = { Timer, Measurement, select_unit };
export { data, tensorboard };
