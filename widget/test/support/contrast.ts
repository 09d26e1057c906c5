/**
 * WCAG contrast between computed colours. Engines compute colours in
 * different notations (`rgb()`, `oklch()`, `color(srgb …)`); a canvas 2d
 * context reads any of them and gives the sRGB bytes it paints.
 */
let context: CanvasRenderingContext2D | undefined;

/** The sRGB bytes of a CSS colour, as painted on an opaque canvas. */
export function srgb(colour: string): [number, number, number] {
  context ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  context.clearRect(0, 0, 1, 1);
  context.fillStyle = '#000';
  context.fillStyle = colour;
  context.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
  if (a !== 255) throw new Error(`not an opaque colour: ${colour}`);
  return [r!, g!, b!];
}

const linear = (byte: number) => {
  const c = byte / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

export function luminance(colour: string): number {
  const [r, g, b] = srgb(colour).map(linear) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two CSS colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
