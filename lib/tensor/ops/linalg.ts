/**
 * torch.linalg beyond the norms (API breadth a2). Spread into torch.linalg by ../torch.ts.
 */
import { linalgCross } from "./shape_extra";

export const linalgExtra = {
  cross: linalgCross,
};
