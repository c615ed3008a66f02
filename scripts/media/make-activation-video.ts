/**
 * Renders the Activation Functions lesson's "Watch & Learn" video from the engine's own
 * numbers: each curve and its slope are computed by lib/tensor (the slope by autograd), drawn
 * into raw RGB frames here and encoded by Debian's ffmpeg (VP9 in WebM, which every Chromium
 * plays) with titles burnt in by ffmpeg's drawtext. Captions and chapters are written beside
 * it as WebVTT, from the same scene list, so the three never disagree.
 *
 *   npx tsx scripts/media/make-activation-video.ts      (needs `apt-get install ffmpeg`)
 *
 * The outputs are committed (media/ and public/media/), so neither CI nor users need ffmpeg.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { torch, type Tensor } from "../../lib/tensor";

const WIDTH = 640;
const HEIGHT = 360;
const FPS = 12;
const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
const root = path.resolve(__dirname, "../..");
const NAME = "activation-functions";

type Rgb = readonly [number, number, number];
const GRID: Rgb = [226, 232, 240];
const AXIS: Rgb = [148, 163, 184];
const CURVE: Rgb = [37, 99, 235];
const SLOPE: Rgb = [234, 88, 12];

interface Curve {
  xs: number[];
  ys: number[];
  colour: Rgb;
}

/** A scene: a chapter of the video, tied to the lesson section (heading id) it illustrates. */
interface Scene {
  title: string;
  section: string;
  seconds: number;
  caption: string[];
  /** What to draw; `progress` runs from 0 to 1 over the scene. */
  curves: Curve[];
  yRange: [number, number];
  xRange: [number, number];
  bars?: boolean;
}

/** The curve and its slope, both from the engine: the slope is d(sum f(z))/dz by autograd. */
function curveAndSlope(f: (z: Tensor) => Tensor): { xs: number[]; ys: number[]; slopes: number[] } {
  const z = torch.linspace(-6, 6, 241).requires_grad_();
  const y = f(z);
  y.sum().backward();
  return { xs: z.detach().tolist() as number[], ys: y.detach().tolist() as number[], slopes: z.grad!.tolist() as number[] };
}

function activationScene(title: string, section: string, f: (z: Tensor) => Tensor, yRange: [number, number], caption: string[]): Scene {
  const { xs, ys, slopes } = curveAndSlope(f);
  return { title, section, seconds: 8, caption, xRange: [-6, 6], yRange, curves: [{ xs, ys, colour: CURVE }, { xs, ys: slopes, colour: SLOPE }] };
}

function scenes(): Scene[] {
  const identity = curveAndSlope((z) => z.mul(0.5).add(0.2).mul(1.5).sub(0.1));
  // The gradient that survives n sigmoid layers at their best point (slope 1/4 each), from the engine.
  const depth = torch.arange(1, 11);
  const survivors = torch.full([10], 0.25).pow(depth);
  const sig = torch.sigmoid(torch.tensor([0.0]).requires_grad_());
  sig.backward();
  return [
    {
      title: "Stacked linear layers stay linear",
      section: "what-an-activation-function-is-and-why-it-matters",
      seconds: 6,
      caption: ["Two linear layers in a row are still one straight line.", "Without an activation between them, depth adds nothing."],
      xRange: [-6, 6],
      yRange: [-6, 6],
      curves: [{ xs: identity.xs, ys: identity.ys, colour: CURVE }],
    },
    activationScene("Sigmoid: output (blue) and slope (orange)", "1-sigmoid-the-logistic-function", torch.sigmoid, [-0.2, 1.2], [
      "Sigmoid squeezes every input into the range 0 to 1.",
      "Its slope, computed by autograd, peaks at 0.25 and fades to nothing.",
    ]),
    activationScene("Tanh: output (blue) and slope (orange)", "2-tanh-hyperbolic-tangent", torch.tanh, [-1.2, 1.2], [
      "Tanh is centred on zero and reaches from -1 to 1.",
      "Its slope peaks at 1, four times sigmoid's, but still vanishes far out.",
    ]),
    activationScene("ReLU: output (blue) and slope (orange)", "3-relu-rectified-linear-unit", torch.relu, [-1, 6], [
      "ReLU passes positive inputs unchanged and zeroes the rest.",
      "Its slope is exactly 1 or 0: no fading, but a unit stuck below zero learns nothing.",
    ]),
    activationScene("GELU: output (blue) and slope (orange)", "8-two-newer-ones-gelu-and-silu", (z) => torch.nn.functional.gelu(z), [-1, 6], [
      "GELU is a smooth ReLU used by transformers.",
      "Small negative inputs still pass a little gradient back.",
    ]),
    {
      title: "Gradient left after n sigmoid layers",
      section: "vanishing-and-exploding-gradients",
      seconds: 8,
      caption: [
        `Each sigmoid layer multiplies the gradient by at most ${(sig.detach().item() * (1 - sig.detach().item())).toFixed(2)}.`,
        "After ten layers less than a millionth is left: the vanishing gradient.",
      ],
      xRange: [0, 11],
      yRange: [0, 0.3],
      bars: true,
      curves: [{ xs: depth.tolist() as number[], ys: survivors.tolist() as number[], colour: SLOPE }],
    },
  ];
}

class Frame {
  readonly pixels = Buffer.alloc(WIDTH * HEIGHT * 3);

  clear(): void {
    this.pixels.fill(255);
  }

  dot(cx: number, cy: number, radius: number, colour: Rgb): void {
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++) {
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
        if (x < 0 || y < 0 || x >= WIDTH || y >= HEIGHT || (x - cx) ** 2 + (y - cy) ** 2 > radius * radius) continue;
        const i = (y * WIDTH + x) * 3;
        this.pixels[i] = colour[0];
        this.pixels[i + 1] = colour[1];
        this.pixels[i + 2] = colour[2];
      }
    }
  }

  line(x0: number, y0: number, x1: number, y1: number, radius: number, colour: Rgb): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / Math.max(0.5, radius / 2)));
    for (let s = 0; s <= steps; s++) this.dot(x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps, radius, colour);
  }
}

/** The plot area leaves room for the title above and the captions below. */
const PLOT = { left: 50, right: WIDTH - 30, top: 60, bottom: HEIGHT - 80 };

function draw(frame: Frame, scene: Scene, progress: number): void {
  frame.clear();
  const [x0, x1] = scene.xRange;
  const [y0, y1] = scene.yRange;
  const px = (x: number) => PLOT.left + ((x - x0) / (x1 - x0)) * (PLOT.right - PLOT.left);
  const py = (y: number) => PLOT.bottom - ((y - y0) / (y1 - y0)) * (PLOT.bottom - PLOT.top);
  for (let gx = Math.ceil(x0); gx <= x1; gx++) frame.line(px(gx), PLOT.top, px(gx), PLOT.bottom, 0.5, GRID);
  if (x0 <= 0 && 0 <= x1) frame.line(px(0), PLOT.top, px(0), PLOT.bottom, 1, AXIS);
  if (y0 <= 0 && 0 <= y1) frame.line(PLOT.left, py(0), PLOT.right, py(0), 1, AXIS);
  // Curves appear one after another, each drawn left to right.
  const share = 1 / scene.curves.length;
  scene.curves.forEach((curve, c) => {
    const shown = Math.min(1, Math.max(0, (progress - c * share * 0.8) / (share * 0.9)));
    const count = Math.floor(shown * curve.xs.length);
    for (let i = 0; i < count; i++) {
      const y = Math.min(y1, Math.max(y0, curve.ys[i]));
      if (scene.bars) {
        frame.line(px(curve.xs[i]), py(0), px(curve.xs[i]), py(y), 8, curve.colour);
      } else if (i > 0) {
        const prev = Math.min(y1, Math.max(y0, curve.ys[i - 1]));
        frame.line(px(curve.xs[i - 1]), py(prev), px(curve.xs[i]), py(y), 2, curve.colour);
      }
    }
  });
}

function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}.${String(ms % 1000).padStart(3, "0")}`;
}

/** Captions: each scene's lines, one after the other over the scene. Chapters: one cue per scene, its id the section. */
function webvtt(all: Scene[]): { captions: string; chapters: string } {
  const captions = ["WEBVTT", ""];
  const chapters = ["WEBVTT", ""];
  let start = 0;
  for (const scene of all) {
    const per = scene.seconds / scene.caption.length;
    scene.caption.forEach((line, i) => {
      captions.push(`${timestamp(start + i * per)} --> ${timestamp(start + (i + 1) * per)}`, line, "");
    });
    chapters.push(scene.section, `${timestamp(start)} --> ${timestamp(start + scene.seconds)}`, scene.title.replace(/:.*$/, ""), "");
    start += scene.seconds;
  }
  return { captions: captions.join("\n"), chapters: chapters.join("\n") };
}

/** ffmpeg's drawtext, one per scene title, shown only during its scene. */
function titleFilters(all: Scene[]): string {
  let start = 0;
  const escape = (text: string) => text.replace(/\\/g, "\\\\").replace(/'/g, "\u2019").replace(/:/g, "\\:").replace(/,/g, "\\,");
  return all
    .map((scene) => {
      const filter = `drawtext=fontfile=${FONT}:text='${escape(scene.title)}':fontcolor=0x1e293b:fontsize=22:x=(w-text_w)/2:y=18:enable='between(t\\,${start}\\,${start + scene.seconds})'`;
      start += scene.seconds;
      return filter;
    })
    .join(",");
}

async function main(): Promise<void> {
  if (spawnSync("ffmpeg", ["-version"]).status !== 0) throw new Error("ffmpeg is missing: apt-get install ffmpeg");
  const all = scenes();
  const mediaDir = path.join(root, "media");
  const posterDir = path.join(root, "public", "media");
  mkdirSync(mediaDir, { recursive: true });
  mkdirSync(posterDir, { recursive: true });
  const video = path.join(mediaDir, `${NAME}.webm`);
  const encoder = spawn(
    "ffmpeg",
    ["-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${WIDTH}x${HEIGHT}`, "-r", String(FPS), "-i", "-",
      "-vf", titleFilters(all), "-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "42", "-row-mt", "1", "-pix_fmt", "yuv420p", video],
    { stdio: ["pipe", "inherit", "inherit"] },
  );
  const finished = new Promise<void>((resolve, reject) => encoder.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}`)))));
  const frame = new Frame();
  for (const scene of all) {
    const frames = scene.seconds * FPS;
    for (let f = 0; f < frames; f++) {
      draw(frame, scene, Math.min(1, (f + 1) / (frames * 0.75)));
      if (!encoder.stdin.write(frame.pixels)) await new Promise((resolve) => encoder.stdin.once("drain", resolve));
    }
  }
  encoder.stdin.end();
  await finished;
  // The poster is the sigmoid scene fully drawn: what a guest sees before signing in.
  const poster = path.join(posterDir, `${NAME}-poster.jpg`);
  const posterAt = all[0].seconds + all[1].seconds - 1;
  const grab = spawnSync("ffmpeg", ["-y", "-loglevel", "error", "-ss", String(posterAt), "-i", video, "-frames:v", "1", "-q:v", "6", poster]);
  if (grab.status !== 0) throw new Error(`ffmpeg could not grab the poster: ${grab.stderr}`);
  const { captions, chapters } = webvtt(all);
  writeFileSync(path.join(mediaDir, `${NAME}.en.vtt`), captions);
  writeFileSync(path.join(mediaDir, `${NAME}.chapters.vtt`), chapters);
  console.log(`Wrote ${path.relative(root, video)}, its captions, chapters and poster.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
