import type { Metadata } from "next";
import Link from "next/link";
import { getPageUser } from "@/lib/auth/request-user";
import { listPublishedModels, MAX_PUBLISHED_MODELS } from "@/lib/db/published-models";
import { UnpublishButton } from "@/app/_components/models/UnpublishButton";
import styles from "@/app/_components/models/models.module.css";

export const metadata: Metadata = { title: "My published models" };
export const dynamic = "force-dynamic";

/** The signed-in learner's published models, each with its link and an Unpublish button. */
export default async function MyModelsPage() {
  const user = await getPageUser();
  if (!user || user.anonymous) {
    return (
      <div>
        <h1>My published models</h1>
        <p>
          <Link href="/signin?next=/models">Sign in</Link> to see the models you published. Publish one from the last section of the{" "}
          <Link href="/lessons/deployment">Deployment</Link> lesson.
        </p>
      </div>
    );
  }
  const models = await listPublishedModels(user.id);
  return (
    <div>
      <h1>My published models</h1>
      <p className="lead">
        Models you published with <code>publish_model</code> (at most {MAX_PUBLISHED_MODELS}). Anyone with a link can draw on its page.
      </p>
      {models.length === 0 ? (
        <p data-testid="no-models">
          No published models yet. Publish one from the <Link href="/lessons/deployment">Deployment</Link> lesson.
        </p>
      ) : (
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Published</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr key={model.id} data-testid="published-model">
                <td>
                  <Link href={`/models/${model.id}`}>{model.name}</Link>
                </td>
                <td>{model.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</td>
                <td>
                  <UnpublishButton id={model.id} name={model.name} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
