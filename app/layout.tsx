import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import "katex/dist/katex.min.css";
import "./globals.css";
import { AccountWidget } from "./_components/account/AccountWidget";
import { SkipLinks } from "./_components/skip-links/SkipLinks";
import { CONTENT_ID } from "./_components/skip-links/content-id";

export const metadata: Metadata = {
  title: { default: "Gradbook — Deep Learning Foundations", template: "%s · Gradbook" },
  description: "An interactive course notebook for learning deep learning, with a PyTorch-style engine in your browser.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SkipLinks />
        <header className="site-header">
          <Link href="/" className="brand">
            Gradbook
          </Link>
          <span className="tagline">Deep Learning Foundations</span>
          <AccountWidget />
        </header>
        {/* tabIndex -1: the skip link can give it the focus, so the next Tab goes on from the content. */}
        <main id={CONTENT_ID} tabIndex={-1} className="site-main">
          {children}
        </main>
      </body>
    </html>
  );
}
