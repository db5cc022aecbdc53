// A Worker that answers at once without any client, so that workerd's own
// start-up time can be told apart from the clients'.
export default {
  async fetch() {
    return Response.json({ uuid: null });
  },
};
