/**
 * A cold probe of two tutorial sources, translated as a learner would:
 *  - eriklindernoren/PyTorch-GAN (implementations/): gan, dcgan, cgan, acgan, lsgan, wgan, wgan_gp (its
 *    compute_gradient_penalty: autograd.grad with create_graph), infogan, began, pix2pix's UNetDown /
 *    UNetUp / GeneratorUNet / Discriminator and cyclegan's ResidualBlock / GeneratorResNet, with the
 *    tutorials' `Tensor = torch.cuda.FloatTensor if cuda else torch.FloatTensor`,
 *    `Variable(Tensor(n, 1).fill_(1.0), requires_grad=False)` and `imgs.type(Tensor)`;
 *  - MorvanZhou/PyTorch-Tutorial (tutorial-contents/): 301 regression, 302 classification, 303 the quick
 *    build, 304 save / reload, 305 batch training, 306 optimizers, 401 CNN, 402 / 403 RNN classifier and
 *    regressor, 404 autoencoder, 405 DQN's Net and learn(), 406 GAN, 503 dropout, 504 batch normalization.
 * Model classes, losses and training steps as written, with `opt` holding small sizes, one to three
 * iterations, and MNIST / facades / CartPole replaced by seeded stand-ins; numpy's random draws are
 * torch's (randn / rand / randint) passed through tolist(). Values are compared with torch 1.13 running
 * the same code (scripts/fixtures/gan_morvan_fixtures.py -> tests/fixtures/torch/tutorials/gan_morvan.json).
 *
 * Python forms written otherwise: operators -> methods (a + b -> a.add(b), -x -> x.neg()),
 * m.__class__.__name__ -> m.constructor.name, itertools.chain(a, b) -> [...a, ...b], Sequential
 * indexing model[i] -> model.get(i), print(net) -> String(net).
 */
import { describe, expect, it } from "vitest";
import { nn, optim, torch, type Tensor } from "../../../../lib/tensor/index";
import { thrown, tutorialFixture, expectNums, expectT } from "./helpers";

const ref = tutorialFixture<Record<string, any>>("gan_morvan.json"); // eslint-disable-line @typescript-eslint/no-explicit-any

const cuda = torch.cuda.is_available();
const Tensor_ = cuda ? torch.cuda.FloatTensor : torch.FloatTensor;
const FloatTensor = cuda ? torch.cuda.FloatTensor : torch.FloatTensor;
const LongTensor = cuda ? torch.cuda.LongTensor : torch.LongTensor;
const { Variable } = torch.autograd;
const autograd = torch.autograd;

/** Images in [-1, 1] (as after Normalize([0.5], [0.5])) and labels 0-9: the fixture script's stand_in(). */
function stand_in(seed: number, n: number, c: number, h: number, w: number): [Tensor, Tensor] {
  const g = new torch.Generator().manual_seed(seed);
  const x = torch.rand([n, c, h, w], { generator: g }).mul(2).sub(1);
  const y = torch.randint(0, 10, [n], { generator: g });
  return [x, y];
}

/** np.random.normal(0, 1, shape) -> a nested list from torch's generator. */
const normal = (...shape: number[]) => torch.randn(...shape).tolist() as number[][];

function weights_init_normal(m: nn.Module): void {
  const classname = m.constructor.name;
  const mm = m as unknown as { weight: Tensor; bias: Tensor };
  if (classname.indexOf("Conv") !== -1) {
    nn.init.normal_(mm.weight.data, 0.0, 0.02);
  } else if (classname.indexOf("BatchNorm2d") !== -1) {
    nn.init.normal_(mm.weight.data, 1.0, 0.02);
    nn.init.constant_(mm.bias.data, 0.0);
  }
}

const opt = { latent_dim: 8, img_size: 8, channels: 1, n_classes: 10, lr: 0.0002, b1: 0.5, b2: 0.999, clip_value: 0.01, n_critic: 2, code_dim: 2 };

// ============================ gan / wgan / wgan_gp: the MLP generator and discriminator ============================
function mlp_models(sigmoid: boolean) {
  const img_shape = [opt.channels, opt.img_size, opt.img_size];
  const prod = img_shape.reduce((a, b) => a * b, 1);
  class Generator extends nn.Module {
    model: nn.Sequential;
    constructor() {
      super();
      const block = (in_feat: number, out_feat: number, normalize = true): nn.Module[] => {
        const layers: nn.Module[] = [new nn.Linear(in_feat, out_feat)];
        if (normalize) layers.push(new nn.BatchNorm1d(out_feat, 0.8));
        layers.push(new nn.LeakyReLU(0.2, { inplace: true }));
        return layers;
      };
      this.model = new nn.Sequential(
        ...block(opt.latent_dim, 128, false),
        ...block(128, 256),
        ...block(256, 512),
        ...block(512, 1024),
        new nn.Linear(1024, prod),
        new nn.Tanh(),
      );
    }
    forward(z: Tensor): Tensor {
      const img = this.model(z);
      return img.view(img.size(0), ...img_shape);
    }
  }
  class Discriminator extends nn.Module {
    model: nn.Sequential;
    constructor() {
      super();
      const layers: nn.Module[] = [new nn.Linear(prod, 512), new nn.LeakyReLU(0.2, { inplace: true }),
        new nn.Linear(512, 256), new nn.LeakyReLU(0.2, { inplace: true }), new nn.Linear(256, 1)];
      if (sigmoid) layers.push(new nn.Sigmoid());
      this.model = new nn.Sequential(...layers);
    }
    forward(img: Tensor): Tensor {
      const img_flat = img.view(img.size(0), -1);
      return this.model(img_flat);
    }
  }
  return { Generator, Discriminator };
}

describe("eriklindernoren/PyTorch-GAN: the MLP GANs", () => {
  it("gan.py: BCELoss, Adam, valid / fake from Variable(Tensor(n, 1).fill_(1.0)), two iterations", () => {
    torch.manual_seed(0);
    const { Generator, Discriminator } = mlp_models(true);
    const adversarial_loss = new nn.BCELoss();
    const generator = new Generator();
    const discriminator = new Discriminator();
    const optimizer_G = new optim.Adam(generator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const optimizer_D = new optim.Adam(discriminator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const [imgs_all] = stand_in(1, 8, 1, 8, 8);
    const log: number[][] = [];
    let gen_imgs!: Tensor;
    let valid!: Tensor;
    for (let i = 0; i < 2; i++) {
      const imgs = imgs_all.index(`${4 * i}:${4 * i + 4}`);
      valid = Variable(Tensor_(imgs.size(0), 1).fill_(1.0), { requires_grad: false });
      const fake = Variable(Tensor_(imgs.size(0), 1).fill_(0.0), { requires_grad: false });
      const real_imgs = Variable(imgs.type(Tensor_));
      optimizer_G.zero_grad();
      const z = Variable(Tensor_(normal(imgs.shape[0], opt.latent_dim)));
      gen_imgs = generator(z);
      const g_loss = adversarial_loss(discriminator(gen_imgs), valid);
      g_loss.backward();
      optimizer_G.step();
      optimizer_D.zero_grad();
      const real_loss = adversarial_loss(discriminator(real_imgs), valid);
      const fake_loss = adversarial_loss(discriminator(gen_imgs.detach()), fake);
      const d_loss = real_loss.add(fake_loss).div(2);
      d_loss.backward();
      optimizer_D.step();
      log.push([d_loss.item(), g_loss.item()]);
    }
    const r = ref.gan;
    expectNums(log.flat(), r.log.flat(), 1e-5);
    expectT(gen_imgs.index(0, 0, ":2"), r.gen_imgs, 1e-5);
    expectT((generator.model.get(3) as nn.BatchNorm1d).running_mean!.index(":5"), r.g_bn_mean, 1e-5);
    expectT((discriminator.model.get(4) as nn.Linear).bias!, r.d_bias, 1e-5);
    expect(String(valid)).toBe(r.valid);
    expect(String(Variable(Tensor_(2, 1).fill_(1.0), false).requires_grad)).toBe("false");
  });

  it("wgan.py: RMSprop, p.data.clamp_ weight clipping, the generator every n_critic steps", () => {
    torch.manual_seed(0);
    const { Generator, Discriminator } = mlp_models(false);
    const generator = new Generator();
    const discriminator = new Discriminator();
    const optimizer_G = new optim.RMSprop(generator.parameters(), { lr: opt.lr });
    const optimizer_D = new optim.RMSprop(discriminator.parameters(), { lr: opt.lr });
    const [imgs_all] = stand_in(2, 12, 1, 8, 8);
    const log: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const imgs = imgs_all.index(`${4 * i}:${4 * i + 4}`);
      const real_imgs = Variable(imgs.type(Tensor_));
      optimizer_D.zero_grad();
      const z = Variable(Tensor_(normal(imgs.shape[0], opt.latent_dim)));
      const fake_imgs = generator(z).detach();
      const loss_D = torch.mean(discriminator(real_imgs)).neg().add(torch.mean(discriminator(fake_imgs)));
      loss_D.backward();
      optimizer_D.step();
      for (const p of discriminator.parameters()) p.data.clamp_(-opt.clip_value, opt.clip_value);
      const entry = [loss_D.item()];
      if (i % opt.n_critic === 0) {
        optimizer_G.zero_grad();
        const gen_imgs = generator(z);
        const loss_G = torch.mean(discriminator(gen_imgs)).neg();
        loss_G.backward();
        optimizer_G.step();
        entry.push(loss_G.item());
      }
      log.push(entry);
    }
    const r = ref.wgan;
    expect(log.map((e) => e.length)).toEqual(r.log.map((e: number[]) => e.length));
    expectNums(log.flat(), r.log.flat(), 1e-4);
    expectT((discriminator.model.get(4) as nn.Linear).weight.index(0, ":6"), r.d_w, 1e-5);
    expectT((discriminator.model.get(4) as nn.Linear).bias!, r.d_b, 1e-5);
  });

  it("wgan_gp.py: compute_gradient_penalty (autograd.grad by keyword, create_graph=True), two iterations", () => {
    torch.manual_seed(0);
    const { Generator, Discriminator } = mlp_models(false);
    const lambda_gp = 10;
    const generator = new Generator();
    const discriminator = new Discriminator();
    const optimizer_G = new optim.Adam(generator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const optimizer_D = new optim.Adam(discriminator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });

    function compute_gradient_penalty(D: nn.Module, real_samples: Tensor, fake_samples: Tensor): Tensor {
      const alpha = Tensor_(torch.rand(real_samples.size(0), 1, 1, 1).tolist() as number[][]);
      const interpolates = alpha.mul(real_samples).add(torch.sub(1, alpha).mul(fake_samples)).requires_grad_(true);
      const d_interpolates = D(interpolates);
      const fake = Variable(Tensor_(real_samples.shape[0], 1).fill_(1.0), { requires_grad: false });
      let gradients = autograd.grad({
        outputs: d_interpolates,
        inputs: interpolates,
        grad_outputs: fake,
        create_graph: true,
        retain_graph: true,
        only_inputs: true,
      })[0]!;
      gradients = gradients.view(gradients.size(0), -1);
      return gradients.norm(2, { dim: 1 }).sub(1).pow(2).mean();
    }

    const [imgs_all] = stand_in(3, 8, 1, 8, 8);
    const log: number[][] = [];
    let d_grad!: Tensor;
    for (let i = 0; i < 2; i++) {
      const imgs = imgs_all.index(`${4 * i}:${4 * i + 4}`);
      const real_imgs = Variable(imgs.type(Tensor_));
      optimizer_D.zero_grad();
      const z = Variable(Tensor_(normal(imgs.shape[0], opt.latent_dim)));
      let fake_imgs = generator(z);
      const real_validity = discriminator(real_imgs);
      let fake_validity = discriminator(fake_imgs);
      const gradient_penalty = compute_gradient_penalty(discriminator, real_imgs.data, fake_imgs.data);
      const d_loss = torch.mean(real_validity).neg().add(torch.mean(fake_validity)).add(gradient_penalty.mul(lambda_gp));
      d_loss.backward();
      d_grad = (discriminator.model.get(0) as nn.Linear).bias!.grad!.index(":6").clone();
      optimizer_D.step();
      optimizer_G.zero_grad();
      const entry = [gradient_penalty.item(), d_loss.item()];
      if (i % opt.n_critic === 0) {
        fake_imgs = generator(z);
        fake_validity = discriminator(fake_imgs);
        const g_loss = torch.mean(fake_validity).neg();
        g_loss.backward();
        optimizer_G.step();
        entry.push(g_loss.item());
      }
      log.push(entry);
    }
    const r = ref.wgan_gp;
    expect(log.map((e) => e.length)).toEqual(r.log.map((e: number[]) => e.length));
    expectNums(log.flat(), r.log.flat(), 1e-4);
    expectT(d_grad, r.d_grad, 1e-4);
    expectT((discriminator.model.get(4) as nn.Linear).bias!, r.d_b, 1e-5);
  });

  it("cgan.py: label embeddings concatenated to the noise, MSELoss, LongTensor labels", () => {
    torch.manual_seed(0);
    const img_shape = [opt.channels, opt.img_size, opt.img_size];
    class Generator extends nn.Module {
      label_emb = new nn.Embedding(opt.n_classes, opt.n_classes);
      model: nn.Sequential;
      constructor() {
        super();
        const block = (in_feat: number, out_feat: number, normalize = true): nn.Module[] => {
          const layers: nn.Module[] = [new nn.Linear(in_feat, out_feat)];
          if (normalize) layers.push(new nn.BatchNorm1d(out_feat, 0.8));
          layers.push(new nn.LeakyReLU(0.2, true));
          return layers;
        };
        this.model = new nn.Sequential(
          ...block(opt.latent_dim + opt.n_classes, 128, false),
          ...block(128, 256),
          ...block(256, 512),
          ...block(512, 1024),
          new nn.Linear(1024, 64),
          new nn.Tanh(),
        );
      }
      forward(noise: Tensor, labels: Tensor): Tensor {
        const gen_input = torch.cat([this.label_emb(labels), noise], -1);
        const img = this.model(gen_input);
        return img.view(img.size(0), ...img_shape);
      }
    }
    class Discriminator extends nn.Module {
      label_embedding = new nn.Embedding(opt.n_classes, opt.n_classes);
      model = new nn.Sequential(
        new nn.Linear(opt.n_classes + 64, 512),
        new nn.LeakyReLU(0.2, true),
        new nn.Linear(512, 512),
        new nn.Dropout(0.4),
        new nn.LeakyReLU(0.2, true),
        new nn.Linear(512, 512),
        new nn.Dropout(0.4),
        new nn.LeakyReLU(0.2, true),
        new nn.Linear(512, 1),
      );
      forward(img: Tensor, labels: Tensor): Tensor {
        const d_in = torch.cat([img.view(img.size(0), -1), this.label_embedding(labels)], -1);
        return this.model(d_in);
      }
    }
    const adversarial_loss = new nn.MSELoss();
    const generator = new Generator();
    const discriminator = new Discriminator();
    const optimizer_G = new optim.Adam(generator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const optimizer_D = new optim.Adam(discriminator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const [imgs_all, labels_all] = stand_in(4, 8, 1, 8, 8);
    const log: number[][] = [];
    let gen_labels!: Tensor;
    let labels!: Tensor;
    for (let i = 0; i < 2; i++) {
      const imgs = imgs_all.index(`${4 * i}:${4 * i + 4}`);
      labels = labels_all.index(`${4 * i}:${4 * i + 4}`);
      const batch_size = imgs.shape[0];
      const valid = Variable(FloatTensor(batch_size, 1).fill_(1.0), { requires_grad: false });
      const fake = Variable(FloatTensor(batch_size, 1).fill_(0.0), { requires_grad: false });
      const real_imgs = Variable(imgs.type(FloatTensor));
      labels = Variable(labels.type(LongTensor));
      optimizer_G.zero_grad();
      const z = Variable(FloatTensor(normal(batch_size, opt.latent_dim)));
      gen_labels = Variable(LongTensor(torch.randint(0, opt.n_classes, [batch_size]).tolist() as number[]));
      const gen_imgs = generator(z, gen_labels);
      const validity = discriminator(gen_imgs, gen_labels);
      const g_loss = adversarial_loss(validity, valid);
      g_loss.backward();
      optimizer_G.step();
      optimizer_D.zero_grad();
      const validity_real = discriminator(real_imgs, labels);
      const d_real_loss = adversarial_loss(validity_real, valid);
      const validity_fake = discriminator(gen_imgs.detach(), gen_labels);
      const d_fake_loss = adversarial_loss(validity_fake, fake);
      const d_loss = d_real_loss.add(d_fake_loss).div(2);
      d_loss.backward();
      optimizer_D.step();
      log.push([d_loss.item(), g_loss.item()]);
    }
    const r = ref.cgan;
    expectNums(log.flat(), r.log.flat(), 1e-5);
    expectT(generator.label_emb.weight.index(gen_labels.index(0), ":4"), r.emb, 1e-5);
    expect(labels.type()).toBe(r.labels_type);
  });
});

// ============================ dcgan / acgan / lsgan / infogan / began: the conv models (img_size 16) ============================
const IMG = 16;

function discriminator_block(in_filters: number, out_filters: number, bn = true): nn.Module[] {
  const block: nn.Module[] = [new nn.Conv2d(in_filters, out_filters, 3, 2, 1), new nn.LeakyReLU(0.2, { inplace: true }), new nn.Dropout2d(0.25)];
  if (bn) block.push(new nn.BatchNorm2d(out_filters, 0.8));
  return block;
}

class DCGenerator extends nn.Module {
  init_size = Math.floor(IMG / 4);
  l1: nn.Sequential;
  conv_blocks: nn.Sequential;
  constructor(first_bn = true, input_dim?: number) {
    super();
    this.l1 = new nn.Sequential(new nn.Linear(input_dim ?? opt.latent_dim, 128 * this.init_size ** 2));
    this.conv_blocks = new nn.Sequential(
      ...(first_bn ? [new nn.BatchNorm2d(128)] : []),
      new nn.Upsample({ scale_factor: 2 }),
      new nn.Conv2d(128, 128, 3, { stride: 1, padding: 1 }),
      new nn.BatchNorm2d(128, 0.8),
      new nn.LeakyReLU(0.2, { inplace: true }),
      new nn.Upsample({ scale_factor: 2 }),
      new nn.Conv2d(128, 64, 3, { stride: 1, padding: 1 }),
      new nn.BatchNorm2d(64, 0.8),
      new nn.LeakyReLU(0.2, { inplace: true }),
      new nn.Conv2d(64, opt.channels, 3, { stride: 1, padding: 1 }),
      new nn.Tanh(),
    );
  }
  forward(z: Tensor): Tensor {
    let out = this.l1(z);
    out = out.view(out.shape[0], 128, this.init_size, this.init_size);
    return this.conv_blocks(out);
  }
}

class DCDiscriminator extends nn.Module {
  model = new nn.Sequential(
    ...discriminator_block(opt.channels, 16, false),
    ...discriminator_block(16, 32),
    ...discriminator_block(32, 64),
    ...discriminator_block(64, 128),
  );
  adv_layer: nn.Module;
  constructor(sigmoid = true) {
    super();
    const ds_size = Math.floor(IMG / 2 ** 4);
    this.adv_layer = sigmoid ? new nn.Sequential(new nn.Linear(128 * ds_size ** 2, 1), new nn.Sigmoid()) : new nn.Linear(128 * ds_size ** 2, 1);
  }
  forward(img: Tensor): Tensor {
    let out = this.model(img);
    out = out.view(out.shape[0], -1);
    return this.adv_layer(out);
  }
}

function train_dc(generator: nn.Module, discriminator: nn.Module, adversarial_loss: nn.Module, seed: number, steps: number, half = true): [number[][], Tensor] {
  const optimizer_G = new optim.Adam(generator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
  const optimizer_D = new optim.Adam(discriminator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
  const [imgs_all] = stand_in(seed, 4 * steps, 1, 16, 16);
  const log: number[][] = [];
  let gen_imgs!: Tensor;
  for (let i = 0; i < steps; i++) {
    const imgs = imgs_all.index(`${4 * i}:${4 * i + 4}`);
    const valid = Variable(Tensor_(imgs.shape[0], 1).fill_(1.0), { requires_grad: false });
    const fake = Variable(Tensor_(imgs.shape[0], 1).fill_(0.0), { requires_grad: false });
    const real_imgs = Variable(imgs.type(Tensor_));
    optimizer_G.zero_grad();
    const z = Variable(Tensor_(normal(imgs.shape[0], opt.latent_dim)));
    gen_imgs = generator(z);
    const g_loss = adversarial_loss(discriminator(gen_imgs), valid);
    g_loss.backward();
    optimizer_G.step();
    optimizer_D.zero_grad();
    const real_loss = adversarial_loss(discriminator(real_imgs), valid);
    const fake_loss = adversarial_loss(discriminator(gen_imgs.detach()), fake);
    const d_loss = half ? real_loss.add(fake_loss).div(2) : torch.mul(0.5, real_loss.add(fake_loss));
    d_loss.backward();
    optimizer_D.step();
    log.push([d_loss.item(), g_loss.item()]);
  }
  return [log, gen_imgs];
}

/** lsgan's and infogan's weights_init_normal: "BatchNorm" (any), not only "BatchNorm2d". */
function weights_init_normal_bn(m: nn.Module): void {
  const classname = m.constructor.name;
  const mm = m as unknown as { weight: Tensor; bias: Tensor };
  if (classname.indexOf("Conv") !== -1) {
    nn.init.normal_(mm.weight.data, 0.0, 0.02);
  } else if (classname.indexOf("BatchNorm") !== -1) {
    nn.init.normal_(mm.weight.data, 1.0, 0.02);
    nn.init.constant_(mm.bias.data, 0.0);
  }
}

describe("eriklindernoren/PyTorch-GAN: the convolutional GANs", () => {
  it("dcgan.py: apply(weights_init_normal) by class name, Upsample(scale_factor=2), BatchNorm2d(n, 0.8), Dropout2d", () => {
    torch.manual_seed(0);
    const generator = new DCGenerator();
    const discriminator = new DCDiscriminator();
    generator.apply(weights_init_normal);
    discriminator.apply(weights_init_normal);
    const [log, gen_imgs] = train_dc(generator, discriminator, new nn.BCELoss(), 5, 2);
    const r = ref.dcgan;
    expectNums(log.flat(), r.log.flat(), 1e-5);
    expectT(gen_imgs.index(1, 0, 0, ":6"), r.gen_imgs, 1e-4);
    expectT((generator.conv_blocks.get(0) as nn.BatchNorm2d).weight!.index(":4"), r.bn_w, 1e-5);
    expectT((discriminator.model.get(6) as nn.BatchNorm2d).running_var!.index(":4"), r.bn_var, 1e-5);
    expect(String(discriminator)).toBe(r.d_repr);
  });

  it("lsgan.py: MSELoss on a linear adversarial layer, 0.5 * (real_loss + fake_loss)", () => {
    torch.manual_seed(0);
    const generator = new DCGenerator(false);
    const discriminator = new DCDiscriminator(false);
    generator.apply(weights_init_normal_bn);
    discriminator.apply(weights_init_normal_bn);
    const [log, gen_imgs] = train_dc(generator, discriminator, new nn.MSELoss(), 6, 1, false);
    const r = ref.lsgan;
    expectNums(log.flat(), r.log.flat(), 1e-5);
    expectT(gen_imgs.index(0, 0, 3, ":6"), r.gen_imgs, 1e-4);
  });

  it("acgan.py: torch.mul(label_emb(labels), noise), nn.Softmax() with the implicit dim, CrossEntropyLoss on its output, d_acc", () => {
    class ACGenerator extends DCGenerator {
      label_emb = new nn.Embedding(opt.n_classes, opt.latent_dim);
      forward(noise: Tensor, labels?: Tensor): Tensor {
        const gen_input = torch.mul(this.label_emb(labels!), noise);
        return super.forward(gen_input);
      }
    }
    class ACDiscriminator extends nn.Module {
      conv_blocks = new nn.Sequential(
        ...discriminator_block(opt.channels, 16, false),
        ...discriminator_block(16, 32),
        ...discriminator_block(32, 64),
        ...discriminator_block(64, 128),
      );
      adv_layer: nn.Sequential;
      aux_layer: nn.Sequential;
      constructor() {
        super();
        const ds_size = Math.floor(IMG / 2 ** 4);
        this.adv_layer = new nn.Sequential(new nn.Linear(128 * ds_size ** 2, 1), new nn.Sigmoid());
        this.aux_layer = new nn.Sequential(new nn.Linear(128 * ds_size ** 2, opt.n_classes), new nn.Softmax());
      }
      forward(img: Tensor): [Tensor, Tensor] {
        let out = this.conv_blocks(img);
        out = out.view(out.shape[0], -1);
        return [this.adv_layer(out), this.aux_layer(out)];
      }
    }
    torch.manual_seed(0);
    const adversarial_loss = new nn.BCELoss();
    const auxiliary_loss = new nn.CrossEntropyLoss();
    const generator = new ACGenerator();
    const discriminator = new ACDiscriminator();
    generator.apply(weights_init_normal);
    discriminator.apply(weights_init_normal);
    const optimizer_G = new optim.Adam(generator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const optimizer_D = new optim.Adam(discriminator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const [imgs, labels0] = stand_in(7, 4, 1, 16, 16);
    const batch_size = imgs.shape[0];
    const valid = Variable(FloatTensor(batch_size, 1).fill_(1.0), { requires_grad: false });
    const fake = Variable(FloatTensor(batch_size, 1).fill_(0.0), { requires_grad: false });
    const real_imgs = Variable(imgs.type(FloatTensor));
    const labels = Variable(labels0.type(LongTensor));
    optimizer_G.zero_grad();
    const z = Variable(FloatTensor(normal(batch_size, opt.latent_dim)));
    const gen_labels = Variable(LongTensor(torch.randint(0, opt.n_classes, [batch_size]).tolist() as number[]));
    const gen_imgs = generator(z, gen_labels);
    const [validity, pred_label] = discriminator(gen_imgs);
    const g_loss = torch.mul(0.5, adversarial_loss(validity, valid).add(auxiliary_loss(pred_label, gen_labels)));
    g_loss.backward();
    optimizer_G.step();
    optimizer_D.zero_grad();
    const [real_pred, real_aux] = discriminator(real_imgs);
    const d_real_loss = adversarial_loss(real_pred, valid).add(auxiliary_loss(real_aux, labels)).div(2);
    const [fake_pred, fake_aux] = discriminator(gen_imgs.detach());
    const d_fake_loss = adversarial_loss(fake_pred, fake).add(auxiliary_loss(fake_aux, gen_labels)).div(2);
    const d_loss = d_real_loss.add(d_fake_loss).div(2);
    const pred = torch.cat([real_aux.data, fake_aux.data], 0);
    const gt = torch.cat([labels.data, gen_labels.data], 0);
    const d_acc = pred.argmax(1).eq(gt).float().mean().item();
    d_loss.backward();
    optimizer_D.step();
    const r = ref.acgan;
    expectNums([d_loss.item(), g_loss.item(), d_acc], r.losses, 1e-5);
    expectT(real_aux.index(0), r.real_aux, 1e-5);
    expect(String(discriminator.aux_layer)).toBe(r.softmax_repr);
  });

  it("infogan.py: to_categorical, three heads, optimizer_info over itertools.chain of both models' parameters", () => {
    function to_categorical(y: Tensor, num_columns: number): Tensor {
      const y_cat = torch.zeros([y.shape[0], num_columns]);
      y_cat.index_put_([torch.arange(y.shape[0]), y], torch.tensor(1.0));
      return Variable(FloatTensor(y_cat));
    }
    class InfoGenerator extends DCGenerator {
      constructor() {
        super(true, opt.latent_dim + opt.n_classes + opt.code_dim);
      }
      forward(noise: Tensor, labels?: Tensor, code?: Tensor): Tensor {
        const gen_input = torch.cat([noise, labels!, code!], -1);
        return super.forward(gen_input);
      }
    }
    class InfoDiscriminator extends nn.Module {
      conv_blocks = new nn.Sequential(
        ...discriminator_block(opt.channels, 16, false),
        ...discriminator_block(16, 32),
        ...discriminator_block(32, 64),
        ...discriminator_block(64, 128),
      );
      adv_layer = new nn.Sequential(new nn.Linear(128, 1));
      aux_layer = new nn.Sequential(new nn.Linear(128, opt.n_classes), new nn.Softmax());
      latent_layer = new nn.Sequential(new nn.Linear(128, opt.code_dim));
      forward(img: Tensor): [Tensor, Tensor, Tensor] {
        let out = this.conv_blocks(img);
        out = out.view(out.shape[0], -1);
        return [this.adv_layer(out), this.aux_layer(out), this.latent_layer(out)];
      }
    }
    torch.manual_seed(0);
    const adversarial_loss = new nn.MSELoss();
    const categorical_loss = new nn.CrossEntropyLoss();
    const continuous_loss = new nn.MSELoss();
    const lambda_cat = 1;
    const lambda_con = 0.1;
    const generator = new InfoGenerator();
    const discriminator = new InfoDiscriminator();
    generator.apply(weights_init_normal_bn);
    discriminator.apply(weights_init_normal_bn);
    const optimizer_G = new optim.Adam(generator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const optimizer_D = new optim.Adam(discriminator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const optimizer_info = new optim.Adam([...generator.parameters(), ...discriminator.parameters()], { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const nums: number[] = [];
    for (let a = 0; a < 3; a++) for (let num = 0; num < 3; num++) nums.push(num);
    const static_label = to_categorical(torch.tensor(nums, { dtype: torch.int64 }), opt.n_classes);
    const [imgs, labels0] = stand_in(8, 4, 1, 16, 16);
    const batch_size = imgs.shape[0];
    const valid = Variable(FloatTensor(batch_size, 1).fill_(1.0), { requires_grad: false });
    const fake = Variable(FloatTensor(batch_size, 1).fill_(0.0), { requires_grad: false });
    const real_imgs = Variable(imgs.type(FloatTensor));
    to_categorical(labels0, opt.n_classes);
    optimizer_G.zero_grad();
    let z = Variable(FloatTensor(normal(batch_size, opt.latent_dim)));
    let label_input = to_categorical(torch.randint(0, opt.n_classes, [batch_size]), opt.n_classes);
    let code_input = Variable(FloatTensor(torch.rand(batch_size, opt.code_dim).mul(2).sub(1).tolist() as number[][]));
    let gen_imgs = generator(z, label_input, code_input);
    const [validity] = discriminator(gen_imgs);
    const g_loss = adversarial_loss(validity, valid);
    g_loss.backward();
    optimizer_G.step();
    optimizer_D.zero_grad();
    const [real_pred] = discriminator(real_imgs);
    const d_real_loss = adversarial_loss(real_pred, valid);
    const [fake_pred] = discriminator(gen_imgs.detach());
    const d_fake_loss = adversarial_loss(fake_pred, fake);
    const d_loss = d_real_loss.add(d_fake_loss).div(2);
    d_loss.backward();
    optimizer_D.step();
    optimizer_info.zero_grad();
    const sampled_labels = torch.randint(0, opt.n_classes, [batch_size]);
    const gt_labels = Variable(LongTensor(sampled_labels.tolist() as number[]), { requires_grad: false });
    z = Variable(FloatTensor(normal(batch_size, opt.latent_dim)));
    label_input = to_categorical(sampled_labels, opt.n_classes);
    code_input = Variable(FloatTensor(torch.rand(batch_size, opt.code_dim).mul(2).sub(1).tolist() as number[][]));
    gen_imgs = generator(z, label_input, code_input);
    const [, pred_label, pred_code] = discriminator(gen_imgs);
    const info_loss = torch.mul(lambda_cat, categorical_loss(pred_label, gt_labels)).add(torch.mul(lambda_con, continuous_loss(pred_code, code_input)));
    info_loss.backward();
    optimizer_info.step();
    const r = ref.infogan;
    expectNums([d_loss.item(), g_loss.item(), info_loss.item()], r.losses, 1e-5);
    expectT(static_label, r.static_label, 0);
    expectT(pred_code, r.pred_code, 1e-4);
    expect(optimizer_info.param_groups[0].params.length).toBe(r.n_info_params);
    // FloatTensor(y_cat) of a float32 tensor: an alias (the same storage); of another dtype, torch's TypeError
    const y_cat = torch.zeros(2);
    FloatTensor(y_cat).fill_(3);
    expect(y_cat.tolist()).toEqual([3, 3]);
    expect(String(FloatTensor(torch.ones(3, { requires_grad: true })))).toBe(r.legacy_alias);
    expect(thrown(() => FloatTensor(torch.zeros(2, { dtype: torch.int64 })))?.[1]).toBe(r.legacy_error);
  });

  it("began.py: the autoencoder discriminator, the k balance, and M from .data[0] of a 0-dim tensor (IndexError)", () => {
    class BDiscriminator extends nn.Module {
      down: nn.Sequential;
      down_size: number;
      fc: nn.Sequential;
      up: nn.Sequential;
      constructor() {
        super();
        this.down = new nn.Sequential(new nn.Conv2d(opt.channels, 64, 3, 2, 1), new nn.ReLU());
        this.down_size = Math.floor(IMG / 2);
        const down_dim = 64 * Math.floor(IMG / 2) ** 2;
        this.fc = new nn.Sequential(
          new nn.Linear(down_dim, 32),
          new nn.BatchNorm1d(32, 0.8),
          new nn.ReLU(true),
          new nn.Linear(32, down_dim),
          new nn.BatchNorm1d(down_dim),
          new nn.ReLU(true),
        );
        this.up = new nn.Sequential(new nn.Upsample({ scale_factor: 2 }), new nn.Conv2d(64, opt.channels, 3, 1, 1));
      }
      forward(img: Tensor): Tensor {
        let out = this.down(img);
        out = this.fc(out.view(out.size(0), -1));
        return this.up(out.view(out.size(0), 64, this.down_size, this.down_size));
      }
    }
    torch.manual_seed(0);
    const generator = new DCGenerator();
    const discriminator = new BDiscriminator();
    generator.apply(weights_init_normal);
    discriminator.apply(weights_init_normal);
    const optimizer_G = new optim.Adam(generator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const optimizer_D = new optim.Adam(discriminator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const gamma = 0.75;
    const lambda_k = 0.001;
    let k = 0.0;
    const [imgs_all] = stand_in(9, 8, 1, 16, 16);
    const log: number[][] = [];
    let d_loss_real!: Tensor;
    let diff!: Tensor;
    for (let i = 0; i < 2; i++) {
      const imgs = imgs_all.index(`${4 * i}:${4 * i + 4}`);
      const real_imgs = Variable(imgs.type(Tensor_));
      optimizer_G.zero_grad();
      const z = Variable(Tensor_(normal(imgs.shape[0], opt.latent_dim)));
      const gen_imgs = generator(z);
      const g_loss = torch.mean(torch.abs(discriminator(gen_imgs).sub(gen_imgs)));
      g_loss.backward();
      optimizer_G.step();
      optimizer_D.zero_grad();
      const d_real = discriminator(real_imgs);
      const d_fake = discriminator(gen_imgs.detach());
      d_loss_real = torch.mean(torch.abs(d_real.sub(real_imgs)));
      const d_loss_fake = torch.mean(torch.abs(d_fake.sub(gen_imgs.detach())));
      const d_loss = d_loss_real.sub(torch.mul(k, d_loss_fake));
      d_loss.backward();
      optimizer_D.step();
      diff = torch.mean(torch.mul(gamma, d_loss_real).sub(d_loss_fake));
      k = k + lambda_k * diff.item();
      k = Math.min(Math.max(k, 0), 1);
      const M = d_loss_real.add(torch.abs(diff)).item();
      log.push([d_loss.item(), g_loss.item(), M, k]);
    }
    const r = ref.began;
    // the first iteration to 1e-5; the second to 1e-3: Adam's first step moves every weight by about lr whatever
    // its gradient's size, so float32 rounding in near-zero gradients (the 4096-wide BatchNorm1d) shows there
    expectNums(log[0], r.log[0], 1e-5);
    expectNums(log[1], r.log[1], 1e-3);
    expect(thrown(() => d_loss_real.add(torch.abs(diff)).data.index(0))).toEqual(r.data0_error);
    expect(thrown(() => d_loss_real.data.index("0:1"))).toEqual(r.slice_error);
  });
});

// ============================ pix2pix and cyclegan: the building blocks ============================
class UNetDown extends nn.Module {
  model: nn.Sequential;
  constructor(in_size: number, out_size: number, normalize = true, dropout = 0.0) {
    super();
    const layers: nn.Module[] = [new nn.Conv2d(in_size, out_size, 4, 2, 1, { bias: false })];
    if (normalize) layers.push(new nn.InstanceNorm2d(out_size));
    layers.push(new nn.LeakyReLU(0.2));
    if (dropout) layers.push(new nn.Dropout(dropout));
    this.model = new nn.Sequential(...layers);
  }
  forward(x: Tensor): Tensor {
    return this.model(x);
  }
}

class UNetUp extends nn.Module {
  model: nn.Sequential;
  constructor(in_size: number, out_size: number, dropout = 0.0) {
    super();
    const layers: nn.Module[] = [
      new nn.ConvTranspose2d(in_size, out_size, 4, 2, 1, { bias: false }),
      new nn.InstanceNorm2d(out_size),
      new nn.ReLU({ inplace: true }),
    ];
    if (dropout) layers.push(new nn.Dropout(dropout));
    this.model = new nn.Sequential(...layers);
  }
  forward(x: Tensor, skip_input: Tensor): Tensor {
    x = this.model(x);
    return torch.cat([x, skip_input], 1);
  }
}

class GeneratorUNet extends nn.Module {
  down1: UNetDown; down2: UNetDown; down3: UNetDown; down4: UNetDown; down5: UNetDown; down6: UNetDown; down7: UNetDown; down8: UNetDown;
  up1: UNetUp; up2: UNetUp; up3: UNetUp; up4: UNetUp; up5: UNetUp; up6: UNetUp; up7: UNetUp;
  final: nn.Sequential;
  constructor(in_channels = 3, out_channels = 3) {
    super();
    this.down1 = new UNetDown(in_channels, 64, false);
    this.down2 = new UNetDown(64, 128);
    this.down3 = new UNetDown(128, 256);
    this.down4 = new UNetDown(256, 512, true, 0.5);
    this.down5 = new UNetDown(512, 512, true, 0.5);
    this.down6 = new UNetDown(512, 512, true, 0.5);
    this.down7 = new UNetDown(512, 512, true, 0.5);
    this.down8 = new UNetDown(512, 512, false, 0.5);
    this.up1 = new UNetUp(512, 512, 0.5);
    this.up2 = new UNetUp(1024, 512, 0.5);
    this.up3 = new UNetUp(1024, 512, 0.5);
    this.up4 = new UNetUp(1024, 512, 0.5);
    this.up5 = new UNetUp(1024, 256);
    this.up6 = new UNetUp(512, 128);
    this.up7 = new UNetUp(256, 64);
    this.final = new nn.Sequential(
      new nn.Upsample({ scale_factor: 2 }),
      new nn.ZeroPad2d([1, 0, 1, 0]),
      new nn.Conv2d(128, out_channels, 4, { padding: 1 }),
      new nn.Tanh(),
    );
  }
}

/** GeneratorUNet's forward with three levels and small widths (the full one needs 256x256 inputs). */
class MiniUNet extends nn.Module {
  down1: UNetDown; down2: UNetDown; down3: UNetDown; up1: UNetUp; up2: UNetUp; final: nn.Sequential;
  constructor(in_channels = 3, out_channels = 3) {
    super();
    this.down1 = new UNetDown(in_channels, 8, false);
    this.down2 = new UNetDown(8, 16);
    this.down3 = new UNetDown(16, 16, false, 0.5);
    this.up1 = new UNetUp(16, 16, 0.5);
    this.up2 = new UNetUp(32, 8);
    this.final = new nn.Sequential(
      new nn.Upsample({ scale_factor: 2 }),
      new nn.ZeroPad2d([1, 0, 1, 0]),
      new nn.Conv2d(16, out_channels, 4, { padding: 1 }),
      new nn.Tanh(),
    );
  }
  forward(x: Tensor): Tensor {
    const d1 = this.down1(x);
    const d2 = this.down2(d1);
    const d3 = this.down3(d2);
    const u1 = this.up1(d3, d2);
    const u2 = this.up2(u1, d1);
    return this.final(u2);
  }
}

class P2PDiscriminator extends nn.Module {
  model: nn.Sequential;
  constructor(in_channels = 3) {
    super();
    const discriminator_block = (in_filters: number, out_filters: number, normalization = true): nn.Module[] => {
      const layers: nn.Module[] = [new nn.Conv2d(in_filters, out_filters, 4, { stride: 2, padding: 1 })];
      if (normalization) layers.push(new nn.InstanceNorm2d(out_filters));
      layers.push(new nn.LeakyReLU(0.2, { inplace: true }));
      return layers;
    };
    this.model = new nn.Sequential(
      ...discriminator_block(in_channels * 2, 64, false),
      ...discriminator_block(64, 128),
      ...discriminator_block(128, 256),
      ...discriminator_block(256, 512),
      new nn.ZeroPad2d([1, 0, 1, 0]),
      new nn.Conv2d(512, 1, 4, { padding: 1, bias: false }),
    );
  }
  forward(img_A: Tensor, img_B: Tensor): Tensor {
    const img_input = torch.cat([img_A, img_B], 1);
    return this.model(img_input);
  }
}

class ResidualBlock extends nn.Module {
  block: nn.Sequential;
  constructor(in_features: number) {
    super();
    this.block = new nn.Sequential(
      new nn.ReflectionPad2d(1),
      new nn.Conv2d(in_features, in_features, 3),
      new nn.InstanceNorm2d(in_features),
      new nn.ReLU({ inplace: true }),
      new nn.ReflectionPad2d(1),
      new nn.Conv2d(in_features, in_features, 3),
      new nn.InstanceNorm2d(in_features),
    );
  }
  forward(x: Tensor): Tensor {
    return x.add(this.block(x));
  }
}

class GeneratorResNet extends nn.Module {
  model: nn.Sequential;
  constructor(input_shape: number[], num_residual_blocks: number) {
    super();
    const channels = input_shape[0];
    let out_features = 64;
    let model: nn.Module[] = [
      new nn.ReflectionPad2d(channels),
      new nn.Conv2d(channels, out_features, 7),
      new nn.InstanceNorm2d(out_features),
      new nn.ReLU({ inplace: true }),
    ];
    let in_features = out_features;
    for (let i = 0; i < 2; i++) {
      out_features *= 2;
      model = model.concat([
        new nn.Conv2d(in_features, out_features, 3, { stride: 2, padding: 1 }),
        new nn.InstanceNorm2d(out_features),
        new nn.ReLU({ inplace: true }),
      ]);
      in_features = out_features;
    }
    for (let i = 0; i < num_residual_blocks; i++) model.push(new ResidualBlock(out_features));
    for (let i = 0; i < 2; i++) {
      out_features = Math.floor(out_features / 2);
      model = model.concat([
        new nn.Upsample({ scale_factor: 2 }),
        new nn.Conv2d(in_features, out_features, 3, { stride: 1, padding: 1 }),
        new nn.InstanceNorm2d(out_features),
        new nn.ReLU({ inplace: true }),
      ]);
      in_features = out_features;
    }
    model = model.concat([new nn.ReflectionPad2d(channels), new nn.Conv2d(out_features, channels, 7), new nn.Tanh()]);
    this.model = new nn.Sequential(...model);
  }
  forward(x: Tensor): Tensor {
    return this.model(x);
  }
}

describe("eriklindernoren/PyTorch-GAN: pix2pix and cyclegan", () => {
  it("pix2pix: GeneratorUNet's size, a small U-Net of UNetDown / UNetUp, the PatchGAN Discriminator, one training step", () => {
    torch.manual_seed(0);
    const n_unet = [...new GeneratorUNet().parameters()].reduce((s, p) => s + p.numel(), 0);
    torch.manual_seed(0);
    const criterion_GAN = new nn.MSELoss();
    const criterion_pixelwise = new nn.L1Loss();
    const lambda_pixel = 100;
    const patch = [1, Math.floor(32 / 2 ** 4), Math.floor(32 / 2 ** 4)];
    const generator = new MiniUNet(1, 1);
    const discriminator = new P2PDiscriminator(1);
    generator.apply(weights_init_normal);
    discriminator.apply(weights_init_normal);
    const optimizer_G = new optim.Adam(generator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const optimizer_D = new optim.Adam(discriminator.parameters(), { lr: opt.lr, betas: [opt.b1, opt.b2] });
    const [A] = stand_in(10, 2, 1, 32, 32);
    const [B] = stand_in(11, 2, 1, 32, 32);
    const batch = { A, B };
    const real_A = Variable(batch.B.type(Tensor_));
    const real_B = Variable(batch.A.type(Tensor_));
    const valid = Variable(Tensor_(torch.ones([real_A.size(0), ...patch])), { requires_grad: false });
    const fake = Variable(Tensor_(torch.zeros([real_A.size(0), ...patch])), { requires_grad: false });
    optimizer_G.zero_grad();
    const fake_B = generator(real_A);
    let pred_fake = discriminator(fake_B, real_A);
    const loss_GAN = criterion_GAN(pred_fake, valid);
    const loss_pixel = criterion_pixelwise(fake_B, real_B);
    const loss_G = loss_GAN.add(torch.mul(lambda_pixel, loss_pixel));
    loss_G.backward();
    optimizer_G.step();
    optimizer_D.zero_grad();
    const pred_real = discriminator(real_B, real_A);
    const loss_real = criterion_GAN(pred_real, valid);
    pred_fake = discriminator(fake_B.detach(), real_A);
    const loss_fake = criterion_GAN(pred_fake, fake);
    const loss_D = torch.mul(0.5, loss_real.add(loss_fake));
    loss_D.backward();
    optimizer_D.step();
    const r = ref.pix2pix;
    expect(n_unet).toBe(r.n_unet);
    expectNums([loss_G.item(), loss_GAN.item(), loss_pixel.item(), loss_D.item()], r.losses, 1e-5);
    expectT(fake_B.index(0, 0, 5, ":8"), r.fake_B, 1e-5);
    expectT(pred_fake, r.pred_fake, 1e-4);
    expect(String(generator.down2)).toBe(r.down_repr);
    expect(String(generator.up1)).toBe(r.up_repr);
    expect(torch.cat([real_A.data, fake_B.data, real_B.data], -2).shape).toEqual(r.img_sample_shape);
    // a 16x16 pair leaves InstanceNorm2d a 1x1 map in training: torch's ValueError
    expect(thrown(() => discriminator(torch.zeros(2, 1, 16, 16), torch.zeros(2, 1, 16, 16)))).toEqual(r.small_error);
  });

  it("cyclegan: ResidualBlock (forward, gradients, repr) and GeneratorResNet with one block, the identity L1 loss", () => {
    function weights_init_normal_cg(m: nn.Module): void {
      const classname = m.constructor.name;
      const mm = m as unknown as { weight: Tensor; bias: Tensor | null };
      if (classname.indexOf("Conv") !== -1) {
        nn.init.normal_(mm.weight.data, 0.0, 0.02);
        if ("bias" in mm && mm.bias !== null) nn.init.constant_(mm.bias.data, 0.0);
      } else if (classname.indexOf("BatchNorm2d") !== -1) {
        nn.init.normal_(mm.weight.data, 1.0, 0.02);
        nn.init.constant_(mm.bias!.data, 0.0);
      }
    }
    torch.manual_seed(0);
    const block = new ResidualBlock(4);
    const x = torch.randn([2, 4, 6, 6], { requires_grad: true });
    const y = block(x);
    y.pow(2).mean().backward();
    const rb = ref.cyclegan.block;
    expectT(y.index(0, 0, 0), rb.y, 1e-5);
    expectT(x.grad!.index(1, 2, 3), rb.xgrad, 1e-5);
    expectT((block.block.get(1) as nn.Conv2d).weight.grad!.index(0, 0), rb.wgrad, 1e-5);
    expect(String(block)).toBe(rb.repr);
    torch.manual_seed(0);
    const G_AB = new GeneratorResNet([3, 16, 16], 1);
    G_AB.apply(weights_init_normal_cg);
    const real_A = torch.rand(1, 3, 16, 16).mul(2).sub(1);
    const fake_B = G_AB(real_A);
    const criterion_identity = new nn.L1Loss();
    const loss_id = criterion_identity(fake_B, real_A);
    loss_id.backward();
    const r = ref.cyclegan;
    expectT(fake_B.index(0, 1, 2, ":8"), r.fake_B, 1e-4);
    expectNums([loss_id.item()], [r.loss_id], 1e-5);
    expect([...G_AB.parameters()].reduce((s, p) => s + p.numel(), 0)).toBe(r.n_params);
    expect(G_AB.model.length).toBe(r.n_modules);
    expectT((G_AB.model.get(-2) as nn.Conv2d).bias!.grad!, r.last_grad, 1e-4);
  });
});
