import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import "katex/dist/katex.min.css";
import "./globals.css";
import { AccountWidget } from "./_components/account/AccountWidget";

export const metadata: Metadata = {
  title: { default: "Gradbook — Deep Learning Foundations", template: "%s · Gradbook" },
  description: "An interactive course notebook for learning deep learning, with a PyTorch-style engine in your browser.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            Gradbook
          </Link>
          <span className="tagline">Deep Learning Foundations</span>
          <AccountWidget />
        </header>
        <main className="site-main">{children}</main>
      </body>
    </html>
  );
}
