import { expect, test, type Page } from "@playwright/test";
import { uniqueName } from "./unique";

const LESSON_PATH = "/lessons/activation-functions";
const VIDEO_ID = "video-activation-functions";
const PASSWORD = "correct horse battery";

// Sign-ups, a lesson page with its kernel, and media loading: more than the default minute on a busy machine.
test.describe.configure({ timeout: 240_000 });

const player = (page: Page) => page.getByTestId("video-player");

/**
 * Waits until the browser has the video's metadata (its duration), which means it fetched and
 * decoded the file. Chromium defers even `preload="metadata"` for a video far below the fold,
 * so the learner scrolls to it first, as they would to watch it. The request may queue behind
 * the page's own (Monaco, the kernel, MNIST) on a busy machine: hence the minute.
 */
async function metadataLoaded(page: Page): Promise<number> {
  await player(page).scrollIntoViewIfNeeded();
  await expect.poll(() => player(page).evaluate((video: HTMLVideoElement) => video.readyState), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  return player(page).evaluate((video: HTMLVideoElement) => video.duration);
}

test("a guest is asked to sign in to watch, and comes back to the video after signing in", async ({ page, browser, baseURL }) => {
  const username = uniqueName("viewer");
  const other = await browser.newContext({ baseURL });
  expect((await other.request.post("/api/account/signup", { data: { username, password: PASSWORD } })).status()).toBe(201);
  await other.close();

  await page.goto(LESSON_PATH);
  const section = page.getByTestId("lesson-video");
  await expect(section.getByRole("heading", { name: /Watch & Learn/ })).toBeVisible();
  await expect(section.locator("video")).toHaveCount(0);
  const gate = section.getByRole("link", { name: "Sign in to watch the learning video for this topic" });
  await expect(gate).toHaveAttribute("href", `/signin?next=${encodeURIComponent(`${LESSON_PATH}#${VIDEO_ID}`)}`);
  // The poster (public) is what a guest sees; the video itself is refused to a guest.
  await expect(page.getByTestId("video-sign-in")).toHaveCSS("background-image", /activation-functions-poster\.jpg/);
  const refused = await page.request.get("/api/media/activation-functions.webm");
  expect([401, 403]).toContain(refused.status());
  expect((await refused.json()).error).toMatch(/Sign in|Not signed in/);

  await gate.click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`**${LESSON_PATH}#${VIDEO_ID}`);
  await expect(player(page)).toBeVisible();
});

test("a signed-in learner watches from our origin with captions and chapters, and resumes where they stopped", async ({ page }) => {
  const response = await page.request.post("/api/account/signup", { data: { username: uniqueName("watcher"), password: PASSWORD } });
  expect(response.status()).toBe(201);
  await page.goto(LESSON_PATH);

  const src = await player(page).getAttribute("src");
  expect(src).toBe("/api/media/activation-functions.webm");
  expect(await metadataLoaded(page)).toBeCloseTo(46, 0);

  // Byte ranges, so the browser can seek without downloading the whole file.
  const partial = await page.request.get(src!, { headers: { range: "bytes=0-99" } });
  expect(partial.status()).toBe(206);
  expect(partial.headers()["content-range"]).toMatch(/^bytes 0-99\/\d+$/);
  expect((await partial.body()).length).toBe(100);

  // It plays (muted, as autoplay policy allows without a gesture).
  await player(page).evaluate((video: HTMLVideoElement) => {
    video.muted = true;
    return video.play();
  });
  await expect.poll(() => player(page).evaluate((video: HTMLVideoElement) => video.currentTime)).toBeGreaterThan(0.5);

  // Captions: the English track is on and has the lesson's lines.
  const captions = await player(page).evaluate(async (video: HTMLVideoElement) => {
    const track = video.textTracks[0];
    track.mode = "showing";
    for (let i = 0; i < 100 && !(track.cues && track.cues.length); i++) await new Promise((r) => setTimeout(r, 50));
    return { kind: track.kind, label: track.label, cues: Array.from(track.cues ?? [], (cue) => (cue as VTTCue).text) };
  });
  expect(captions.kind).toBe("captions");
  expect(captions.label).toBe("English");
  expect(captions.cues.join(" ")).toContain("Sigmoid squeezes every input into the range 0 to 1.");

  // A chapter's time button seeks the video; its title jumps to the lesson section it covers.
  await page.getByRole("button", { name: "Play from 0:14: Tanh" }).click();
  await expect.poll(() => player(page).evaluate((video: HTMLVideoElement) => video.currentTime)).toBeGreaterThanOrEqual(14);
  await page.getByRole("list", { name: "Chapters" }).getByRole("link", { name: "ReLU" }).click();
  await expect(page).toHaveURL(/#3-relu-rectified-linear-unit$/);
  await expect(page.getByRole("heading", { name: "3. ReLU (rectified linear unit)" })).toBeInViewport();

  // Stop at 0:20; after a reload the video resumes there and says so.
  await player(page).evaluate(async (video: HTMLVideoElement) => {
    video.pause();
    video.currentTime = 20;
    await new Promise((resolve) => video.addEventListener("seeked", resolve, { once: true }));
  });
  await page.reload();
  await metadataLoaded(page);
  await expect(page.getByRole("status").filter({ hasText: "Resumed at 0:20" })).toBeVisible();
  expect(await player(page).evaluate((video: HTMLVideoElement) => video.currentTime)).toBeCloseTo(20, 0);
  await page.getByRole("button", { name: "Start over" }).click();
  await expect.poll(() => player(page).evaluate((video: HTMLVideoElement) => video.currentTime)).toBe(0);
  await expect(page.getByRole("status").filter({ hasText: "Resumed at" })).toHaveCount(0);
});

test("on a phone the video fits the screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(LESSON_PATH);
  const box = await page.getByTestId("lesson-video").boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
});
