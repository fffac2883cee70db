import type { Prng } from './prng.js';
import type { StoreProfile } from './chain-profile.js';

/** One store-day of weather. */
export interface Weather {
  tempC: number;
  precipMm: number;
}

/** Persistence of daily temperature anomalies (AR(1) coefficient) and their innovation σ (°C). */
const ANOMALY_PERSISTENCE = 0.7;
const ANOMALY_SIGMA = 2.5;
/** Mean rain on a rainy day (mm, exponential). */
const MEAN_RAIN_MM = 6;

/**
 * Daily weather per store: seasonal temperature (coldest mid-January, northern hemisphere)
 * plus an AR(1) anomaly so warm spells last a few days; rain on a store-specific share of days.
 */
export class WeatherModel {
  private anomaly = 0;

  constructor(
    private readonly store: StoreProfile,
    private readonly prng: Prng,
  ) {}

  /** The next day's weather (call once per day, in order: the anomaly carries over). */
  next(dayOfYear: number): Weather {
    this.anomaly = ANOMALY_PERSISTENCE * this.anomaly + ANOMALY_SIGMA * this.prng.normal();
    const seasonal = this.store.climateMean - this.store.climateAmplitude * Math.cos((2 * Math.PI * (dayOfYear - 15)) / 365.25);
    const tempC = Math.round((seasonal + this.anomaly) * 10) / 10;
    const precipMm = this.prng.chance(this.store.rainChance) ? Math.round(-MEAN_RAIN_MM * Math.log(1 - this.prng.next()) * 10) / 10 : 0;
    return { tempC, precipMm };
  }
}
