// symc's simulation model of the part of Lattice's ECP5 MULT18X18D primitive that symc's
// registered product (symc_ecp5_mult18x18) uses: the A and B operands, their signedness inputs,
// the 36-bit product P, and the input, pipeline and output registers on CLK0, enabled by CE0
// and cleared by RST0 (RESETMODE "SYNC"), as Lattice FPGA-TN-02205 (ECP5 and ECP5-5G sysDSP
// Usage Guide) documents them. It is not Lattice's simulation library: synthesis maps the
// primitive itself, and this file is for simulators only. A register parameter other than
// "NONE" or "CLK0", the C input, the shift inputs and the other clocks are not modelled.
/* verilator lint_off UNUSEDSIGNAL */
/* verilator lint_off UNUSEDPARAM */
module MULT18X18D(
  input A17, A16, A15, A14, A13, A12, A11, A10, A9, A8, A7, A6, A5, A4, A3, A2, A1, A0,
  input B17, B16, B15, B14, B13, B12, B11, B10, B9, B8, B7, B6, B5, B4, B3, B2, B1, B0,
  input CLK0, input CE0, input RST0, input SIGNEDA, input SIGNEDB, input SOURCEA,
  input SOURCEB,
  output P35, P34, P33, P32, P31, P30, P29, P28, P27, P26, P25, P24, P23, P22, P21, P20, P19, P18, P17, P16, P15, P14, P13, P12, P11, P10, P9, P8, P7, P6, P5, P4, P3, P2, P1, P0
);
  parameter REG_INPUTA_CLK = "NONE";
  parameter REG_INPUTB_CLK = "NONE";
  parameter REG_PIPELINE_CLK = "NONE";
  parameter REG_OUTPUT_CLK = "NONE";
  parameter RESETMODE = "SYNC";
  parameter GSR = "ENABLED";

  wire [17:0] a = {A17, A16, A15, A14, A13, A12, A11, A10, A9, A8, A7, A6, A5, A4, A3, A2, A1, A0};
  wire [17:0] b = {B17, B16, B15, B14, B13, B12, B11, B10, B9, B8, B7, B6, B5, B4, B3, B2, B1, B0};
  // The operands with their signedness, as the input registers hold them.
  reg [18:0] a_q, b_q;
  reg [35:0] m_q, p_q;
  wire [18:0] a_in = {SIGNEDA & a[17], a};
  wire [18:0] b_in = {SIGNEDB & b[17], b};
  wire [18:0] a_x = REG_INPUTA_CLK == "NONE" ? a_in : a_q;
  wire [18:0] b_x = REG_INPUTB_CLK == "NONE" ? b_in : b_q;
  wire signed [37:0] product = $signed(a_x) * $signed(b_x);
  wire [35:0] m_x = REG_PIPELINE_CLK == "NONE" ? product[35:0] : m_q;
  wire [35:0] p = REG_OUTPUT_CLK == "NONE" ? m_x : p_q;

  always @(posedge CLK0) begin
    if (RST0) begin
      a_q <= 19'd0;
      b_q <= 19'd0;
      m_q <= 36'd0;
      p_q <= 36'd0;
    end else if (CE0) begin
      a_q <= a_in;
      b_q <= b_in;
      m_q <= product[35:0];
      p_q <= m_x;
    end
  end

  assign P0 = p[0];
  assign P1 = p[1];
  assign P2 = p[2];
  assign P3 = p[3];
  assign P4 = p[4];
  assign P5 = p[5];
  assign P6 = p[6];
  assign P7 = p[7];
  assign P8 = p[8];
  assign P9 = p[9];
  assign P10 = p[10];
  assign P11 = p[11];
  assign P12 = p[12];
  assign P13 = p[13];
  assign P14 = p[14];
  assign P15 = p[15];
  assign P16 = p[16];
  assign P17 = p[17];
  assign P18 = p[18];
  assign P19 = p[19];
  assign P20 = p[20];
  assign P21 = p[21];
  assign P22 = p[22];
  assign P23 = p[23];
  assign P24 = p[24];
  assign P25 = p[25];
  assign P26 = p[26];
  assign P27 = p[27];
  assign P28 = p[28];
  assign P29 = p[29];
  assign P30 = p[30];
  assign P31 = p[31];
  assign P32 = p[32];
  assign P33 = p[33];
  assign P34 = p[34];
  assign P35 = p[35];
endmodule
/* verilator lint_on UNUSEDPARAM */
/* verilator lint_on UNUSEDSIGNAL */
