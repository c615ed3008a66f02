import Link from "next/link";

export default function NotFound() {
  return (
    <div className="home">
      <h1>Page not found</h1>
      <p>
        There is no such page. <Link href="/">Back to the course</Link>.
      </p>
    </div>
  );
}
