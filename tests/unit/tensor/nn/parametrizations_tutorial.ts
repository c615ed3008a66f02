/**
 * The parametrizations of PyTorch's "Parametrizations Tutorial", translated once for the suites
 * that use them (nn/parametrize.test.ts against torch 1.13's numbers, tutorials/parametrizations3.test.ts).
 */
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";

export class Symmetric extends nn.Module {
  forward(X: Tensor): Tensor {
    return X.triu().add(X.triu(1).transpose(-1, -2));
  }
}

export class Skew extends nn.Module {
  forward(X: Tensor): Tensor {
    const A = X.triu(1);
    return A.sub(A.transpose(-1, -2));
  }
  right_inverse(A: Tensor): Tensor {
    // We assume that A is skew-symmetric; we take the upper-triangular elements, as these are those used in the forward
    return A.triu(1);
  }
}

export class MatrixExponential extends nn.Module {
  forward(X: Tensor): Tensor {
    return torch.matrix_exp(X);
  }
}
