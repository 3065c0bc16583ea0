// Demo only: moves this process's clock back by DEMO_DAYS_AGO days, so that `npm start` can
// show several finished weeks of counting in a few seconds. Loaded with `node --require`; the
// counting library has no clock override of its own (a setting that changes dates is not one
// to ship; the CLI's TRANSPARENT_TELEMETRY_NOW, for tests, pins only the command's own day).
const days = Number(process.env.DEMO_DAYS_AGO);
if (Number.isFinite(days) && days > 0) {
  const shift = days * 86_400_000;
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() - shift);
      else super(...args);
    }
    static now() {
      return RealDate.now() - shift;
    }
  }
  globalThis.Date = ShiftedDate;
}
