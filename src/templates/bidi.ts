// Bidirectional controls in people's words. The site isolates each person's text in `<bdi>`; Slack,
// Discord and the social networks take plain text, where an override (U+202E) typed into a message
// reorders what follows it: `invoice ‮gpj.exe` reads as `invoice exe.jpg`, and an unclosed one runs on
// into Herald's own words. There, the embedding, override and isolate controls (U+202A–U+202E,
// U+2066–U+2069) are taken out, so text shows in the order it was typed. The stored post keeps them.

const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export const neutraliseBidi = (text: string): string => text.replace(BIDI_CONTROLS, '');
