/** torch.utils: utils.data and utils.benchmark (Timer, Measurement). */
import * as data from "./data/index";
import { Measurement, Timer, select_unit } from "./benchmark";

export const benchmark = { Timer, Measurement, select_unit };
export { data };
