import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { findPublishedModel } from "@/lib/db/published-models";
import { modelSpecSchema } from "@/lib/kernel/models/spec";
import { ModelPlayground } from "@/app/_components/models/ModelPlayground";
import { describeLayer, parameterCount } from "@/app/_components/models/layer-summary";
import styles from "@/app/_components/models/models.module.css";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

/** The model and its checked spec, or null (unknown id, unpublished, or a spec this version cannot read). */
const loadModel = cache(async (id: string) => {
  if (!/^[a-z0-9]{1,64}$/.test(id)) return null;
  const model = await findPublishedModel(id);
  if (!model) return null;
  const spec = modelSpecSchema.safeParse(JSON.parse(model.spec));
  return spec.success ? { ...model, spec: spec.data } : null;
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const model = await loadModel((await params).id);
  return { title: model ? `${model.name} · published model` : "Model not found" };
}

export default async function PublishedModelPage({ params }: Props) {
  const model = await loadModel((await params).id);
  if (!model) notFound();
  const { spec } = model;
  return (
    <div>
      <h1>{model.name}</h1>
      <p className="lead">
        Published by <strong data-testid="model-owner">{model.ownerName}</strong> on {model.createdAt.toISOString().slice(0, 10)}. Draw a digit: the model
        classifies it as you draw.
      </p>
      <ModelPlayground spec={spec} weights={Buffer.from(model.weights).toString("base64")} />
      <h2>Layers</h2>
      <p>
        Input: {spec.input_shape.join(" × ")} ({spec.standardize ? "standardised" : "[0, 1]"} pixels) · {parameterCount(spec).toLocaleString("en")} parameters
      </p>
      <ol className={styles.layers} start={0} data-testid="model-layers">
        {spec.layers.map((layer, i) => (
          <li key={i}>{describeLayer(layer)}</li>
        ))}
      </ol>
      <p className={styles.hint}>
        The model runs in your browser with Gradbook&apos;s own engine, rebuilt from its list of layers and weights: no server work per stroke, and it keeps working
        offline once the page has loaded. A published model is data, never code.
      </p>
    </div>
  );
}
