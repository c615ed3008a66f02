/** The id of the element that holds each page's own content (app/layout.tsx), the skip link's target. */
export const CONTENT_ID = "content";
