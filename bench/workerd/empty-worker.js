// A Worker that responds at once without any client, so that workerd's own
// start-up time can be separated from the clients'.
export default {
  async fetch() {
    return Response.json({ uuid: null });
  },
};
