// Radio energy per request, one hand-checked case per preset, plus the state machine's edges.
// Units: mW * ms / 1000 = mJ;  W * s * 1000 = mJ.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "hwmodels/network/link.h"
#include "traces/common/error.h"

namespace dnntune::hw {
namespace {

using ::testing::HasSubstr;
constexpr double kTol_mJ = 1e-6;

TEST(RadioEnergy, Lte_OneUpload) {
  const LinkSpec lte = find_network_preset("lte");
  // 1000 ms upload at 5.85 Mbps.
  const RadioEnergy e = radio_energy(lte.radio, {{0, 1000, true, 5.85}});
  // transfer = (438.39 * 5.85 + 1288.04) mW * 1000 ms / 1000 = 3852.6215 mJ
  EXPECT_NEAR(e.transfer_mJ, 3852.6215, kTol_mJ);
  // promotion = 0.26 s * 1.21 W = 314.6 mJ
  EXPECT_NEAR(e.promotion_mJ, 314.6, kTol_mJ);
  // tail = (0.1 s + 10 s) * 1.06 W = 10706 mJ
  EXPECT_NEAR(e.tail_mJ, 10706, kTol_mJ);
  EXPECT_NEAR(e.total_mJ(), 3852.6215 + 314.6 + 10706, kTol_mJ);
}

TEST(RadioEnergy, ThreeG_UploadThenDownloadWithAGapInDch) {
  const LinkSpec g3 = find_network_preset("3g");
  // Upload 0..500 ms at 1.1 Mbps, download 600..1000 ms at 2.0275 Mbps.
  const RadioEnergy e = radio_energy(g3.radio, {{600, 400, false, 2.0275}, {0, 500, true, 1.1}});
  // up:   (868.98 * 1.1 + 817.88) * 500 / 1000    = 886.879 mJ
  // down: (122.12 * 2.0275 + 817.88) * 400 / 1000 = 426.19132 mJ
  EXPECT_NEAR(e.transfer_mJ, 886.879 + 426.19132, kTol_mJ);
  // promotion = 2.0 s * 0.53 W = 1060 mJ (once: the 100 ms gap stays in DCH)
  EXPECT_NEAR(e.promotion_mJ, 1060, kTol_mJ);
  // gap: 0.1 s * 0.60 W = 60 mJ; final tail: 4 s * 0.60 W + 10 s * 0.38 W = 6200 mJ
  EXPECT_NEAR(e.tail_mJ, 60 + 6200, kTol_mJ);
}

TEST(RadioEnergy, Wifi_GapLongerThanTheTail) {
  const LinkSpec wifi = find_network_preset("wifi");
  const RadioEnergy e =
      radio_energy(wifi.radio, {{0, 200, false, 54.97}, {1000, 100, false, 54.97}});
  // transfer = (137.01 * 54.97 + 132.86) mW * 300 ms / 1000 = 2299.28991 mJ
  EXPECT_NEAR(e.transfer_mJ, 2299.28991, kTol_mJ);
  // each tail (the 800 ms gap is longer than it, and the final one) = 0.25 s * 0.403 W = 100.75 mJ
  EXPECT_NEAR(e.tail_mJ, 2 * 100.75, kTol_mJ);
  EXPECT_NEAR(e.promotion_mJ, 0, kTol_mJ);
}

TEST(RadioEnergy, FiveG_OneDownload) {
  const LinkSpec g5 = find_network_preset("5g");
  const RadioEnergy e = radio_energy(g5.radio, {{0, 100, false, 1634.07}});
  // transfer = (1.9365 * 1634.07 + 4441.9) mW * 100 ms / 1000 = 760.6276555 mJ
  EXPECT_NEAR(e.transfer_mJ, 760.6276555, kTol_mJ);
  EXPECT_NEAR(e.promotion_mJ, 314.6, kTol_mJ);  // LTE anchor: 0.26 s * 1.21 W
  EXPECT_NEAR(e.tail_mJ, 10706, kTol_mJ);
}

RadioPowerModel toy_radio() {
  RadioPowerModel r;
  r.alpha_up_mW_per_Mbps = 100;
  r.alpha_down_mW_per_Mbps = 10;
  r.beta_mW = 1000;
  r.promotion_s = 1;
  r.promotion_W = 2;
  r.tail_states = {{"high", 1, 1.0}, {"low", 2, 0.5}};
  return r;
}

TEST(RadioEnergy, ZeroTransfersCostNothing) {
  EXPECT_DOUBLE_EQ(radio_energy(toy_radio(), {}).total_mJ(), 0);
}

TEST(RadioEnergy, OverlappingTransfersPayBetaOnce) {
  // up 0..1000 ms at 1 Mbps, down 500..1500 ms at 10 Mbps: busy 1500 ms.
  const RadioEnergy e = radio_energy(toy_radio(), {{0, 1000, true, 1}, {500, 1000, false, 10}});
  // alpha: 100*1*1000/1000 + 10*10*1000/1000 = 200 mJ; beta: 1000 mW * 1500 ms / 1000 = 1500 mJ
  EXPECT_NEAR(e.transfer_mJ, 1700, kTol_mJ);
  EXPECT_NEAR(e.tail_mJ, 1 * 1.0 * 1000 + 2 * 0.5 * 1000, kTol_mJ);  // full tail, no gap
}

TEST(RadioEnergy, GapPartlyInTheSecondTailState) {
  // gap of 2 s: 1 s in "high" (1 W) + 1 s in "low" (0.5 W) = 1500 mJ; no new promotion.
  const RadioEnergy e = radio_energy(toy_radio(), {{0, 10, true, 1}, {2010, 10, true, 1}});
  EXPECT_NEAR(e.tail_mJ, 1500 + 2000, kTol_mJ);
  EXPECT_NEAR(e.promotion_mJ, 2000, kTol_mJ);
  // gap of 5 s > 3 s of tail: the whole tail, then idle, then a second promotion.
  const RadioEnergy idle = radio_energy(toy_radio(), {{0, 10, true, 1}, {5010, 10, true, 1}});
  EXPECT_NEAR(idle.tail_mJ, 2000 + 2000, kTol_mJ);
  EXPECT_NEAR(idle.promotion_mJ, 4000, kTol_mJ);
}

TEST(Link, TransferTimes) {
  LinkSpec link;
  link.uplink_mbps = 8;
  link.downlink_mbps = 16;
  // 1e6 bytes * 8 / (8e6 bit/s) = 1 s
  EXPECT_DOUBLE_EQ(link.upload_ms(1'000'000), 1000);
  EXPECT_DOUBLE_EQ(link.download_ms(1'000'000), 500);
  EXPECT_DOUBLE_EQ(link.upload_ms(0), 0);
}

TEST(NetworkPresets, AllFourWithSources) {
  EXPECT_EQ(network_preset_names(), (std::vector<std::string>{"3g", "5g", "lte", "wifi"}));
  for (const std::string& name : network_preset_names()) {
    const LinkSpec link = find_network_preset(name);
    EXPECT_FALSE(link.sources.empty()) << name;
    EXPECT_FALSE(link.radio.source.empty()) << name;
    EXPECT_EQ(link.radio.technology, name);
  }
  const LinkSpec lte = find_network_preset("lte");
  EXPECT_DOUBLE_EQ(lte.uplink_mbps, 5.85);
  EXPECT_DOUBLE_EQ(lte.downlink_mbps, 13.76);
}

TEST(NetworkPresets, UnknownNameListsTheValidOnes) {
  try {
    find_network_preset("4g");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "4g");
    EXPECT_THAT(e.message(), HasSubstr("known: 3g, 5g, lte, wifi"));
  }
}

TEST(NetworkPresets, UserPresetFile) {
  const std::string path = ::testing::TempDir() + "/dnntune_slow.yaml";
  std::ofstream(path) << "name: slow\nuplink_mbps: 0.5\ndownlink_mbps: 1\nrtt_ms: 300\n"
                         "radio: {technology: 3g, alpha_up_mW_per_Mbps: 1, "
                         "alpha_down_mW_per_Mbps: 2, beta_mW: 3, source: mine}\n";
  const LinkSpec link = find_network_preset(path);
  std::remove(path.c_str());
  EXPECT_EQ(link.name, "slow");
  EXPECT_DOUBLE_EQ(link.upload_ms(62'500), 1000);  // 62500 B * 8 / 0.5e6 bit/s = 1 s
  EXPECT_THROW(find_network_preset("/nonexistent/net.yaml"), InputError);
}

}  // namespace
}  // namespace dnntune::hw
