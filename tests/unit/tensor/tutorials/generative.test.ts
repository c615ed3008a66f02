/**
 * Generative models: the DCGAN tutorial (ConvTranspose2d generator, Conv2d/LeakyReLU
 * discriminator, BatchNorm2d, Tanh/Sigmoid, weights_init through Module.apply and class-name
 * checks, BCELoss, Adam with betas, the alternating D/G updates), the pytorch/examples VAE
 * (reparameterization with randn_like, KL term, binary_cross_entropy with reduction 'sum') and a
 * plain autoencoder. DCGAN and VAE run from a seed and match PyTorch 1.13 (dcgan.json, vae.json).
 */
import { describe, expect, it } from "vitest";
import { F, nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { syntheticDigits, tutorialFixture } from "./helpers";

interface DcganRow {
  errD: number;
  errG: number;
  D_x: number;
  D_G_z1: number;
  D_G_z2: number;
}
const dcganRef = tutorialFixture<{ iterations: DcganRow[]; fixed_fake_mean: number; fixed_fake_shape: number[] }>("dcgan.json");
const vaeRef = tutorialFixture<{ losses: number[]; autoencoder_recon: number[]; autoencoder_mean_image: number }>("vae.json");

describe("DCGAN", () => {
  const nc = 3; // Number of channels in the training images
  const nz = 16; // Size of z latent vector (i.e. size of generator input)
  const ngf = 8; // Size of feature maps in generator
  const ndf = 8; // Size of feature maps in discriminator

  /** custom weights initialization called on netG and netD */
  function weights_init(m: nn.Module): void {
    const classname = m.constructor.name;
    if (classname.includes("Conv")) {
      nn.init.normal_((m as nn.Conv2d).weight.data, 0.0, 0.02);
    } else if (classname.includes("BatchNorm")) {
      nn.init.normal_((m as nn.BatchNorm2d).weight!.data, 1.0, 0.02);
      nn.init.constant_((m as nn.BatchNorm2d).bias!.data, 0);
    }
  }

  class Generator extends nn.Module {
    main = new nn.Sequential(
      // input is Z, going into a convolution
      new nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, { bias: false }),
      new nn.BatchNorm2d(ngf * 8),
      new nn.ReLU(true),
      // state size. (ngf*8) x 4 x 4
      new nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, { bias: false }),
      new nn.BatchNorm2d(ngf * 4),
      new nn.ReLU(true),
      new nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, { bias: false }),
      new nn.BatchNorm2d(ngf * 2),
      new nn.ReLU(true),
      new nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, { bias: false }),
      new nn.BatchNorm2d(ngf),
      new nn.ReLU(true),
      new nn.ConvTranspose2d(ngf, nc, 4, 2, 1, { bias: false }),
      new nn.Tanh(),
      // state size. (nc) x 64 x 64
    );
    forward(input: Tensor): Tensor {
      return this.main(input);
    }
  }

  class Discriminator extends nn.Module {
    main = new nn.Sequential(
      // input is (nc) x 64 x 64
      new nn.Conv2d(nc, ndf, 4, 2, 1, { bias: false }),
      new nn.LeakyReLU(0.2, { inplace: true }),
      new nn.Conv2d(ndf, ndf * 2, 4, 2, 1, { bias: false }),
      new nn.BatchNorm2d(ndf * 2),
      new nn.LeakyReLU(0.2, { inplace: true }),
      new nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, { bias: false }),
      new nn.BatchNorm2d(ndf * 4),
      new nn.LeakyReLU(0.2, { inplace: true }),
      new nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, { bias: false }),
      new nn.BatchNorm2d(ndf * 8),
      new nn.LeakyReLU(0.2, { inplace: true }),
      new nn.Conv2d(ndf * 8, 1, 4, 1, 0, { bias: false }),
      new nn.Sigmoid(),
    );
    forward(input: Tensor): Tensor {
      return this.main(input);
    }
  }

  it("weights_init via apply, then three training iterations with the same losses and D outputs as PyTorch 1.13", () => {
    torch.manual_seed(999);
    // The fixture builds bare nn.Sequential models (the tutorial wraps each in a class with `main`):
    // the same layers in the same order, so the same draws.
    const netG = new Generator();
    netG.apply(weights_init);
    const netD = new Discriminator();
    netD.apply(weights_init);
    expect(String(netG)).toContain("(0): ConvTranspose2d(16, 64, kernel_size=(4, 4), stride=(1, 1), bias=False)");
    expect(String(netD)).toContain("(1): LeakyReLU(negative_slope=0.2, inplace=True)");
    expect((netG.main.get(1) as nn.BatchNorm2d).bias!.abs().sum().item()).toBe(0);
    const w = (netD.main.get(0) as nn.Conv2d).weight;
    expect(w.std().item()).toBeGreaterThan(0.015);
    expect(w.std().item()).toBeLessThan(0.025);

    const criterion = new nn.BCELoss();
    const fixed_noise = torch.randn(4, nz, 1, 1);
    const real_label = 1.0;
    const fake_label = 0.0;
    const optimizerD = new optim.Adam(netD.parameters(), { lr: 0.0002, betas: [0.5, 0.999] });
    const optimizerG = new optim.Adam(netG.parameters(), { lr: 0.0002, betas: [0.5, 0.999] });
    const g = new torch.Generator(7);
    for (let i = 0; i < 3; i++) {
      const real_cpu = torch.rand([8, nc, 64, 64], { generator: g }).mul(2).sub(1);
      // (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
      netD.zero_grad();
      const b_size = real_cpu.size(0);
      const label = torch.full([b_size], real_label, { dtype: torch.float });
      let output = netD(real_cpu).view(-1);
      const errD_real = criterion(output, label);
      errD_real.backward();
      const D_x = output.mean().item();
      const noise = torch.randn(b_size, nz, 1, 1);
      const fake = netG(noise);
      label.fill_(fake_label);
      output = netD(fake.detach()).view(-1);
      const errD_fake = criterion(output, label);
      errD_fake.backward();
      const D_G_z1 = output.mean().item();
      const errD = errD_real.add(errD_fake);
      optimizerD.step();
      // (2) Update G network: maximize log(D(G(z)))
      netG.zero_grad();
      label.fill_(real_label); // fake labels are real for generator cost
      output = netD(fake).view(-1);
      const errG = criterion(output, label);
      errG.backward();
      const D_G_z2 = output.mean().item();
      optimizerG.step();

      const r = dcganRef.iterations[i];
      for (const [name, got, want] of [["errD", errD.item(), r.errD], ["errG", errG.item(), r.errG], ["D_x", D_x, r.D_x], ["D_G_z1", D_G_z1, r.D_G_z1], ["D_G_z2", D_G_z2, r.D_G_z2]] as const) {
        expect(Math.abs(got - want), `iteration ${i} ${name}: ${got} vs ${want}`).toBeLessThan(1e-4 + 1e-4 * Math.abs(want));
      }
    }
    const fake = torch.no_grad(() => netG(fixed_noise).detach());
    expect(fake.shape).toEqual(dcganRef.fixed_fake_shape);
    expect(fake.mean().item()).toBeCloseTo(dcganRef.fixed_fake_mean, 4);
    expect(fake.abs().max().item()).toBeLessThanOrEqual(1); // Tanh
  });
});

describe("Variational autoencoder and autoencoder", () => {
  class VAE extends nn.Module {
    fc1 = new nn.Linear(784, 400);
    fc21 = new nn.Linear(400, 20);
    fc22 = new nn.Linear(400, 20);
    fc3 = new nn.Linear(20, 400);
    fc4 = new nn.Linear(400, 784);
    encode(x: Tensor): [Tensor, Tensor] {
      const h1 = F.relu(this.fc1(x));
      return [this.fc21(h1), this.fc22(h1)];
    }
    reparameterize(mu: Tensor, logvar: Tensor): Tensor {
      const std = torch.exp(logvar.mul(0.5));
      const eps = torch.randn_like(std);
      return mu.add(eps.mul(std));
    }
    decode(z: Tensor): Tensor {
      const h3 = F.relu(this.fc3(z));
      return torch.sigmoid(this.fc4(h3));
    }
    forward(x: Tensor): [Tensor, Tensor, Tensor] {
      const [mu, logvar] = this.encode(x.view(-1, 784));
      const z = this.reparameterize(mu, logvar);
      return [this.decode(z), mu, logvar];
    }
  }
  /** Reconstruction + KL divergence losses summed over all elements and batch */
  function loss_function(recon_x: Tensor, x: Tensor, mu: Tensor, logvar: Tensor): Tensor {
    const BCE = F.binary_cross_entropy(recon_x, x.view(-1, 784), { reduction: "sum" });
    // 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
    const KLD = torch.sum(logvar.add(1).sub(mu.pow(2)).sub(logvar.exp())).mul(-0.5);
    return BCE.add(KLD);
  }

  it("the VAE's first three Adam steps give PyTorch 1.13's losses (seeded randn_like included)", () => {
    torch.manual_seed(1);
    const model = new VAE();
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const g = new torch.Generator(3);
    const data = torch.rand([16, 1, 28, 28], { generator: g });
    model.train();
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      optimizer.zero_grad();
      const [recon_batch, mu, logvar] = model(data);
      const loss = loss_function(recon_batch, data, mu, logvar);
      loss.backward();
      losses.push(loss.item());
      optimizer.step();
    }
    losses.forEach((l, i) => expect(Math.abs(l / vaeRef.losses[i] - 1), `step ${i}: ${l} vs ${vaeRef.losses[i]}`).toBeLessThan(2e-5));

    // sampling: decode standard normals into 784 probabilities
    const sample = torch.no_grad(() => model.decode(torch.randn(4, 20)));
    expect(sample.shape).toEqual([4, 784]);
    expect(sample.min().item()).toBeGreaterThanOrEqual(0);
    expect(sample.max().item()).toBeLessThanOrEqual(1);
  });

  it("the VAE learns synthetic digits: the loss per image falls, and the KL term stays finite and positive", () => {
    torch.manual_seed(2);
    const { x } = syntheticDigits(256, 21);
    const model = new VAE();
    const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
    const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(x), { batch_size: 64, shuffle: true });
    const perImage: number[] = [];
    for (let epoch = 0; epoch < 4; epoch++) {
      let train_loss = 0;
      for (const [data] of loader as Iterable<Tensor[]>) {
        optimizer.zero_grad();
        const [recon_batch, mu, logvar] = model(data);
        const loss = loss_function(recon_batch, data, mu, logvar);
        loss.backward();
        train_loss += loss.item();
        optimizer.step();
      }
      perImage.push(train_loss / x.size(0));
    }
    expect(perImage[3]).toBeLessThan(perImage[0] * 0.85);
    const [, mu, logvar] = torch.no_grad(() => model(x.index("0:8")));
    const kld = logvar.add(1).sub(mu.pow(2)).sub(logvar.exp()).sum().mul(-0.5).item();
    expect(kld).toBeGreaterThan(0);
    expect(Number.isFinite(kld)).toBe(true);
  });

  it("an autoencoder compresses to 16 numbers: the same reconstruction error epoch by epoch as PyTorch 1.13, near the noise floor", () => {
    const { x } = syntheticDigits(256, 31);
    torch.manual_seed(3);
    const autoencoder = new nn.Sequential(
      new nn.Linear(784, 64), new nn.ReLU(), new nn.Linear(64, 16), // encoder
      new nn.Linear(16, 64), new nn.ReLU(), new nn.Linear(64, 784), new nn.Sigmoid(), // decoder
    );
    const criterion = new nn.MSELoss();
    const optimizer = new optim.Adam(autoencoder.parameters(), { lr: 1e-2, weight_decay: 1e-5 });
    const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(x), { batch_size: 32, shuffle: true });
    const recon: number[] = [];
    for (let epoch = 0; epoch < 10; epoch++) {
      for (const [img] of loader as Iterable<Tensor[]>) {
        optimizer.zero_grad();
        const loss = criterion(autoencoder(img), img);
        loss.backward();
        optimizer.step();
      }
      recon.push(torch.no_grad(() => criterion(autoencoder(x), x).item()));
    }
    // Seeded init and shuffling are PyTorch's, so the runs agree up to float32 rounding, which 80
    // Adam steps amplify (the plain-TS kernels' sums round differently: 1% apart by epoch 10).
    recon.forEach((r, i) => expect(Math.abs(r / vaeRef.autoencoder_recon[i] - 1), `epoch ${i}: ${r} vs ${vaeRef.autoencoder_recon[i]}`).toBeLessThan(i < 5 ? 5e-3 : 3e-2));
    const meanImage = criterion(x.mean(0, true).expand_as(x), x).item();
    expect(meanImage).toBeCloseTo(vaeRef.autoencoder_mean_image, 6);
    expect(recon[9]).toBeLessThan(meanImage * 0.5); // the uniform noise alone is 0.4^2 / 12 = 0.0133
    const code = torch.no_grad(() => autoencoder.slice(0, 3)(x.index("0:2")) as Tensor);
    expect(code.shape).toEqual([2, 16]);
  });
});
