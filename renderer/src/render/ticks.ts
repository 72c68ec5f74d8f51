/** The ticks and number formatting live in compute/render (shared with the core's figure PNGs). */
export * from '../../../compute/render/ticks';
