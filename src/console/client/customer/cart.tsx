// Stub: filled in by the screen's own change.
import type { ScreenProps } from "../screens";

export default function Screen(_props: ScreenProps) {
  return <p class="muted">This screen is being built.</p>;
}
