"use client";

import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { F, torch, type Tensor } from "@/lib/tensor";
import { modelSpecSchema, specToModel, weightsFromBase64, type ModelSpec } from "@/lib/kernel/models/spec";
import { normalise, toMnistDigit } from "./preprocess";
import styles from "./models.module.css";

const PAD = 280;
const PEN_WIDTH = 20;
const KEY_STEP = 10;

/**
 * The drawing pad and the class probabilities of a published model. The model runs here, in the
 * browser, rebuilt with our engine from its spec: one 28x28 image through a small network takes
 * well under a millisecond, so each stroke costs the server nothing and the page keeps working
 * offline once loaded.
 */
export function ModelPlayground({ spec: rawSpec, weights }: { spec: ModelSpec; weights: string }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const cursor = useRef({ x: PAD / 2, y: PAD / 4 });
  const penDown = useRef(true);
  const [probabilities, setProbabilities] = useState<number[] | null>(null);
  const built = useMemo(() => {
    try {
      const spec = modelSpecSchema.parse(rawSpec);
      return { spec, model: specToModel(spec, weightsFromBase64(weights)), error: null };
    } catch (error) {
      return { spec: null, model: null, error: error instanceof Error ? error.message : String(error) };
    }
  }, [rawSpec, weights]);

  const context = () => {
    const ctx = canvasRef.current?.getContext("2d", { willReadFrequently: true });
    if (ctx) {
      ctx.lineWidth = PEN_WIDTH;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "black";
    }
    return ctx ?? null;
  };

  const predict = useCallback(() => {
    const ctx = context();
    if (!ctx || !built.model || !built.spec) return;
    const rgba = ctx.getImageData(0, 0, PAD, PAD).data;
    // Ink is the alpha channel: the pad is transparent paper with black strokes.
    const ink = new Float32Array(PAD * PAD);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4 + 3] / 255;
    const digit = toMnistDigit({ width: PAD, height: PAD, ink });
    if (!digit) {
      setProbabilities(null);
      return;
    }
    const { spec, model } = built;
    const input = torch.from_array(normalise(digit, spec.standardize), [1, ...spec.input_shape]);
    const probs = torch.no_grad(() => {
      const out = model(input) as Tensor;
      return spec.layers.at(-1)?.type === "Softmax" ? out : F.softmax(out, 1);
    });
    setProbabilities((probs.tolist() as number[][])[0]);
  }, [built]);

  const frame = useRef<number | null>(null);
  const predictSoon = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      predict();
    });
  }, [predict]);
  useEffect(() => () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
  }, []);

  const point = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) / rect.width) * PAD, y: ((event.clientY - rect.top) / rect.height) * PAD };
  };
  const segment = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const ctx = context();
    if (!ctx) return;
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drawing.current = true;
    const at = point(event);
    cursor.current = at;
    segment(at, at);
    predictSoon();
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    const at = point(event);
    segment(cursor.current, at);
    cursor.current = at;
    predictSoon();
  };
  const onPointerUp = () => {
    if (!drawing.current) return;
    drawing.current = false;
    predict();
  };

  const clear = () => {
    context()?.clearRect(0, 0, PAD, PAD);
    setProbabilities(null);
  };

  /** Arrow keys move the pen (drawing while it is down), Space lifts or lowers it, Delete clears. */
  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [0, -KEY_STEP], ArrowDown: [0, KEY_STEP], ArrowLeft: [-KEY_STEP, 0], ArrowRight: [KEY_STEP, 0] };
    if (event.key in moves) {
      event.preventDefault();
      const [dx, dy] = moves[event.key];
      const from = cursor.current;
      const to = { x: Math.min(PAD, Math.max(0, from.x + dx)), y: Math.min(PAD, Math.max(0, from.y + dy)) };
      if (penDown.current) segment(from, to);
      cursor.current = to;
      predictSoon();
    } else if (event.key === " ") {
      event.preventDefault();
      penDown.current = !penDown.current;
    } else if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      clear();
    }
  };

  if (built.error) return <p className={styles.error} role="alert">This model cannot run in the browser: {built.error}</p>;

  const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
  return (
    <div className={styles.playground}>
      <div className={styles.padColumn}>
        <canvas
          ref={canvasRef}
          width={PAD}
          height={PAD}
          className={styles.pad}
          tabIndex={0}
          role="application"
          aria-label="Drawing pad: draw a digit"
          aria-describedby="pad-help"
          data-testid="drawing-pad"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onKeyDown={onKeyDown}
        />
        <p id="pad-help" className={styles.hint}>
          Draw with a mouse, a finger or a pen. With the keyboard: arrow keys draw from the pen&apos;s position, Space lifts or lowers the pen, Delete clears.
        </p>
        <button type="button" className={styles.button} onClick={clear}>
          Clear
        </button>
      </div>
      <div className={styles.results} aria-live="polite">
        {probabilities ? (
          <>
            <p className={styles.prediction} data-testid="prediction">
              Prediction: <strong>{best}</strong> ({(probabilities[best] * 100).toFixed(1)} %)
            </p>
            <ol className={styles.bars} aria-label="Probability of each class" start={0}>
              {probabilities.map((p, k) => (
                <li key={k} className={`${styles.bar} ${k === best ? styles.top : ""}`}>
                  <span>{k}</span>
                  <span className={styles.track} aria-hidden="true">
                    <span className={styles.fill} style={{ width: `${(p * 100).toFixed(1)}%`, display: "block" }} />
                  </span>
                  <span>{(p * 100).toFixed(1)} %</span>
                </li>
              ))}
            </ol>
          </>
        ) : (
          <p className={styles.prediction} data-testid="prediction">Draw a digit to see what the model thinks it is.</p>
        )}
      </div>
    </div>
  );
}
