/** torch.utils (only utils.data for now). */
import * as data from "./data/index";

export { data };
