import { mediaUrl, readChapters } from "@/lib/lessons/media";
import { VideoPlayer } from "./VideoPlayer";

export interface VideoProps {
  /** The video's file name in media/ (WebM or MP4). */
  src: string;
  /** Its captions, a WebVTT file in media/. */
  captions: string;
  /** A WebVTT chapters track in media/ whose cue ids are the ids of the lesson headings they cover. */
  chapters?: string;
  /** An image under public/, shown before playing and to guests. */
  poster?: string;
  title?: string;
}

/**
 * "Watch & Learn": a lesson video served from our own origin, with captions and chapters that
 * jump to the lesson's sections. Rendered at build time, so the chapters are read (and their
 * format checked) once; the player itself is a client component.
 */
export function Video({ src, captions, chapters, poster, title = "Watch & Learn" }: VideoProps) {
  const id = `video-${src.replace(/\..*$/, "")}`;
  return <VideoPlayer id={id} title={title} src={mediaUrl(src)} captions={mediaUrl(captions)} chapters={readChapters(chapters)} poster={poster} />;
}
