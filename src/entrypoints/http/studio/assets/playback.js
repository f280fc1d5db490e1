// An audio dub played in step with the original video: the video leads (play, pause, seek, speed) and the
// audio follows, corrected whenever it drifts more than a tenth of a second.

const DRIFT_S = 0.1;

export function followVideo(video, audio) {
  const align = () => {
    if (Math.abs(audio.currentTime - video.currentTime) > DRIFT_S) audio.currentTime = video.currentTime;
  };
  const play = () => {
    align();
    audio.play().catch(() => null);
  };
  video.addEventListener("play", play);
  video.addEventListener("playing", play);
  video.addEventListener("pause", () => audio.pause());
  video.addEventListener("waiting", () => audio.pause());
  video.addEventListener("seeked", align);
  video.addEventListener("timeupdate", align);
  video.addEventListener("ratechange", () => { audio.playbackRate = video.playbackRate; });
  video.addEventListener("ended", () => audio.pause());
}
