"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { VideoChapter } from "@/lib/lessons/media";
import { signInHref, useAccount } from "../account/useAccount";
import { formatTime, savedPosition, savePosition } from "./video-position";
import styles from "./video.module.css";

interface VideoPlayerProps {
  id: string;
  title: string;
  src: string;
  captions: string;
  chapters: VideoChapter[];
  poster?: string;
}

/** Seconds between saves of the position while playing: often enough to lose little on a crash. */
const SAVE_EVERY = 2;
/** Closer than this to either end, the video starts from the beginning next time. */
const RESUME_MARGIN = 3;

export function VideoPlayer({ id, title, src, captions, chapters, poster }: VideoPlayerProps) {
  const user = useAccount();
  const signedIn = Boolean(user && !user.anonymous && user.username);
  return (
    <section className={styles.video} id={id} aria-labelledby={`${id}-title`} data-testid="lesson-video">
      <h2 id={`${id}-title`} className={styles.title}>
        {title}
      </h2>
      {user === undefined ? (
        <div className={styles.frame} aria-busy="true" />
      ) : signedIn ? (
        <Player account={user!.username!} src={src} captions={captions} chapters={chapters} poster={poster} />
      ) : (
        <div className={styles.frame} style={poster ? { backgroundImage: `url(${poster})` } : undefined} data-testid="video-sign-in">
          <p className={styles.gate}>
            <Link href={signInHref(`#${id}`)}>Sign in to watch the learning video for this topic</Link>
          </p>
        </div>
      )}
    </section>
  );
}

function Player({ account, src, captions, chapters, poster }: Omit<VideoPlayerProps, "id" | "title"> & { account: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [resumedAt, setResumedAt] = useState<number | null>(null);
  const [current, setCurrent] = useState(0);

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    let lastSaved = 0;
    const save = () => {
      const atEnd = element.duration - element.currentTime < RESUME_MARGIN;
      savePosition(account, src, atEnd ? 0 : element.currentTime);
    };
    const restore = () => {
      const at = savedPosition(account, src);
      if (at !== null && at > RESUME_MARGIN && at < element.duration - RESUME_MARGIN) {
        element.currentTime = at;
        setResumedAt(at);
      }
    };
    const onTime = () => {
      setCurrent(element.currentTime);
      if (Math.abs(element.currentTime - lastSaved) >= SAVE_EVERY) {
        lastSaved = element.currentTime;
        save();
      }
    };
    if (element.readyState >= HTMLMediaElement.HAVE_METADATA) restore();
    element.addEventListener("loadedmetadata", restore);
    element.addEventListener("timeupdate", onTime);
    element.addEventListener("pause", save);
    element.addEventListener("seeked", save);
    window.addEventListener("pagehide", save);
    return () => {
      element.removeEventListener("loadedmetadata", restore);
      element.removeEventListener("timeupdate", onTime);
      element.removeEventListener("pause", save);
      element.removeEventListener("seeked", save);
      window.removeEventListener("pagehide", save);
    };
  }, [account, src]);

  /** Moves to `seconds`; a chapter also starts playing, "Start over" leaves play/pause as it was. */
  const seek = (seconds: number, play: boolean) => {
    const element = video.current;
    if (!element) return;
    element.currentTime = seconds;
    if (play) void element.play().catch(() => undefined);
  };

  const playing = chapters.findLastIndex((chapter) => chapter.startSeconds <= current);
  return (
    <>
      <video ref={video} className={styles.frame} controls preload="metadata" poster={poster} src={src} data-testid="video-player">
        <track kind="captions" src={captions} srcLang="en" label="English" default />
        Your browser cannot play this video.
      </video>
      {resumedAt !== null ? (
        <p className={styles.resume} role="status">
          Resumed at {formatTime(resumedAt)}.{" "}
          <button type="button" className={styles.linkButton} onClick={() => (seek(0, false), setResumedAt(null))}>
            Start over
          </button>
        </p>
      ) : null}
      {chapters.length > 0 ? (
        <ol className={styles.chapters} aria-label="Chapters">
          {chapters.map((chapter, index) => (
            <li key={chapter.section} aria-current={index === playing ? "true" : undefined}>
              <button type="button" className={styles.seek} onClick={() => seek(chapter.startSeconds, true)} aria-label={`Play from ${formatTime(chapter.startSeconds)}: ${chapter.title}`}>
                {formatTime(chapter.startSeconds)}
              </button>{" "}
              <a href={`#${chapter.section}`}>{chapter.title}</a>
            </li>
          ))}
        </ol>
      ) : null}
    </>
  );
}
